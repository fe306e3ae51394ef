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
    "score.missing.no_target": ("缺数据：本月无销量任务", "missing: no sales target this month"),
    "score.missing.no_visit": ("缺数据：本月无拜访", "missing: no visit this month"),
    "score.missing.no_review": ("缺数据：尚无批阅", "missing: no week reviewed yet"),
    "score.missing.no_working_day": ("缺数据：本月无工作日", "missing: no working day this month"),
    "score.missing.no_spot_check": ("缺数据：本月无抽检结果", "missing: no spot check answered this month"),
    "score.missing.no_training": ("缺数据：本月无讲课、考试成绩", "missing: no lecture or exam this month"),
    "score.unranked.joined_mid_month": ("月中入职，不参加本月排名", "joined during the month: not ranked"),
    "score.unranked.not_active_at_start": ("月初不在岗，不参加本月排名", "not at work at the month's start: not ranked"),
    "score.unranked.not_active_at_end": ("月末不在岗（待岗、换岗或解聘），不参加本月排名", "not at work at the month's end (standby, transferred or dismissed): not ranked"),
}
