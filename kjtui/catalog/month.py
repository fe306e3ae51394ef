"""Words of the month's close: the rules file, scores and their missing parts, ranks, the close
and its reopening, elimination warnings and decisions, recognition, the month's report."""

MESSAGES = {
    "rules.bad_file": ("评分规则文件 {path} 不可用：{problem}", "the scoring rules file {path} cannot be used: {problem}"),
    "score.part.sales": ("销量任务完成", "sales task completion"),
    "score.part.success": ("访销成功率", "visit-to-order success"),
    "score.part.maintenance": ("基础资料维护", "basic-data maintenance"),
    "score.part.review": ("工作本批阅", "notebook review"),
    "score.part.checkin": ("首末签到", "first/last check-in"),
    "score.part.spot_check": ("抽检结果", "spot checks"),
    "score.part.training": ("培训（讲课、考试）", "training (lectures, exams)"),
    "score.part.basic_work": ("基础工作（明码标价等四项）", "basic work (price tags and three more checks)"),
    "score.part.satisfaction": ("客户满意", "customer satisfaction"),
    "score.missing.no_target": ("缺数据：本月无销量任务", "missing: no sales target this month"),
    "score.missing.no_visit": ("缺数据：本月无拜访", "missing: no visit this month"),
    "score.missing.no_review": ("缺数据：尚无批阅", "missing: no week reviewed yet"),
    "score.missing.no_working_day": ("缺数据：本月无工作日", "missing: no working day this month"),
    "score.missing.no_spot_check": ("缺数据：本月无抽检结果", "missing: no spot check answered this month"),
    "score.missing.no_training": ("缺数据：本月无讲课、考试成绩", "missing: no lecture or exam this month"),
    "score.missing.no_basic_check": ("缺数据：本月拜访未记基础工作检查", "missing: no basic-work check recorded at this month's visits"),
    "score.missing.no_rating": ("缺数据：本月拜访无满意度评价", "missing: no visit rated this month"),
    "score.missing.not_counted": ("缺数据：结账时尚未计入此项", "missing: not yet counted when the month was closed"),
    "score.unranked.joined_mid_month": ("月中入职，不参加本月排名", "joined during the month: not ranked"),
    "score.unranked.not_active_at_start": ("月初不在岗，不参加本月排名", "not at work at the month's start: not ranked"),
    "score.unranked.not_active_at_end": ("月末不在岗（待岗、换岗或解聘），不参加本月排名", "not at work at the month's end (standby, transferred or dismissed): not ranked"),
}

MESSAGES.update({
    "cli.cmd.month": ("月度考核：结账、重开、末位淘汰的处理", "the month: close, reopen, decide on bottom elimination"),
    "cli.month.close": ("结账：计算本月得分与排名，经写入通道记录并下发各驻点", "close a month: compute scores and ranks, write them through the write path for every station"),
    "cli.month.reopen": ("重开已结账的月份（管理员，须说明原因）", "reopen a closed month (the administrator, with a reason)"),
    "cli.opt.rules": ("评分规则文件（TOML；缺省为内置规则或设置 scoring.rules）", "the scoring rules file (TOML; default: the packaged rules or the setting scoring.rules)"),
    "cli.opt.closed_by": ("操作人", "who does it"),
    "month.bad_month": ("月份应为 YYYY-MM：{value}", "a month is YYYY-MM: {value}"),
    "month.hub_only": ("只有县局中心库可以结账或重开", "only the county hub closes or reopens a month"),
    "month.not_over": ("{month} 尚未结束，不能结账", "{month} is not over yet: it cannot be closed"),
    "month.not_closed": ("{month} 未结账，无需重开", "{month} is not closed: nothing to reopen"),
    "month.reason_needed": ("重开须说明原因", "reopening needs a reason"),
    "month.col.rank": ("名次", "rank"),
    "month.col.code": ("编号", "code"),
    "month.col.name": ("姓名", "name"),
    "month.col.total": ("总分", "total"),
    "month.missing_line": ("{part}：{why}", "{part}: {why}"),
    "month.outcome.closed": ("{month} 已结账（第 {run} 次），{n} 人排名，规则 {rules}", "{month} closed (run {run}): {n} ranked, rules {rules}"),
    "month.outcome.reclosed": ("{month} 重新结账（第 {run} 次，取代上一次），{n} 人排名，规则 {rules}；变动如下：", "{month} closed again (run {run}, superseding the one before): {n} ranked, rules {rules}; what changed:"),
    "month.outcome.unchanged": ("{month} 已于第 {run} 次结账，记录与规则均无变化，未写入", "{month} was closed by run {run}; records and rules unchanged, nothing written"),
    "month.change_line": ("  {code} {name}：{before} → {after}", "  {code} {name}: {before} → {after}"),
    "month.reopened": ("{month} 已重开（第 {run} 次结账作废）：{reason}", "{month} reopened (run {run} ended): {reason}"),
})

MESSAGES.update({
    "cli.month.decide": ("末位淘汰的处理：待岗学习、换岗（正式工）或解聘（合同工）", "decide on a manager the bottom-elimination rule names: standby or transfer (regular), dismissal (contract)"),
    "cli.opt.decide_month": ("触发淘汰的月份（缺省为最近结账的月份）", "the month that triggered it (default: the latest closed month)"),
    "month.none_closed": ("还没有结账的月份", "no month has been closed yet"),
    "month.not_a_candidate": ("{code} 在 {month} 未触发末位淘汰", "{code} is not eliminated by the rule after {month}"),
    "month.decision_not_allowed": ("{code} 不能处理为 {status}，可选：{allowed}", "{code} cannot be given {status}; allowed: {allowed}"),
    "month.warning.consecutive_bottom_two": ("预警：{code} {name} 本月排名倒数两名（{months}），下月再居倒数两名即触发末位淘汰", "warning: {code} {name} is in the bottom two ({months}); the bottom two again next month triggers elimination"),
    "month.warning.thrice_bottom_three": ("预警：{code} {name} 十二个月内已两次排名倒数三名（{months}），下月再居倒数三名即触发末位淘汰", "warning: {code} {name} has been in the bottom three twice within twelve months ({months}); the bottom three next month triggers elimination"),
    "month.candidate": ("触发末位淘汰：{code} {name}，{reason}；按规定处理为{status}，请用 kjtui month decide 记录决定", "elimination triggered: {code} {name}, {reason}; the rule calls for {status}: record the decision with kjtui month decide"),
    "month.award.monthly_star": ("每月之星 {period}：{code} {name}（{note}）", "star of the month {period}: {code} {name} ({note})"),
    "month.award.quarterly_excellent": ("季度优秀推荐 {period}：{code} {name}（{note}）", "the quarter's recommended manager {period}: {code} {name} ({note})"),
})

MESSAGES.update({
    "cli.report.month": ("月度考核表：排名、各项得分及其依据的记录（--json）", "the month's ranking with every part and the records behind it (--json)"),
})

MESSAGES.update({
    "home.warning.consecutive_bottom_two": ("预警：本月倒数两名（{months}），下月再居倒数两名将末位淘汰", "warning: bottom two ({months}); again next month means elimination"),
    "home.warning.thrice_bottom_three": ("预警：十二个月内两次倒数三名（{months}），再一次将末位淘汰", "warning: bottom three twice in twelve months ({months}); once more means elimination"),
})

MESSAGES.update({
    "month.talks": ("谈话名单 {code} {name}：{managers}", "talks for {code} {name}: {managers}"),
})
