"""Words of sync that never strands a station: records held at the county and decided, customers
and routes handed over, enrollments re-issued, the HTTP hub's refusals."""

MESSAGES = {
    # handover (kjtui hub reassign)
    "cli.hub.reassign": ("把客户或线路（连同其挂靠记录）移交给另一位客户经理", "give a customer or a route (with what hangs off it) to another manager"),
    "cli.opt.customer": ("客户的许可证号", "the customer's licence number"),
    "cli.opt.route": ("线路编号", "route code"),
    "cli.opt.to": ("接手的客户经理编号", "code of the manager who takes over"),
    "hub.unknown_customer": ("没有许可证号为 {licence} 的客户。", "There is no customer with licence number {licence}."),
    "hub.unknown_route": ("没有编号为 {route} 的线路。", "There is no route with code {route}."),
    "hub.route_not_of": ("线路 {route} 不归客户经理 {code} 负责。", "Route {route} is not one of manager {code}'s."),
    "hub.already_theirs": ("{what} 已经归 {code} 负责，未做任何改动。", "{what} is already {code}'s; nothing was changed."),
    "hub.reassigned": ("已把 {what} 从 {old} 移交给 {new}（{n} 项）：两台笔记本下次同步时都会收到；{old} 之前写下的记录照常接收。", "{what} handed from {old} to {new} ({n} item(s)): both laptops hear of it at their next sync; what {old} wrote before still applies."),
    # the administrator's list and decisions (kjtui hub conflicts / resolve)
    "hub.conflicts_of": ("笔记本 {station}：{n} 项待处理", "Station {station}: {n} waiting"),
    "hub.kind.proposal": ("修改建议", "proposal"),
    "hub.kind.held": ("暂存记录", "held"),
    "hub.county_now": ("（县局现值：{value}，经理提出后已改过）", "(the county's value is now {value}: changed since the manager proposed)"),
    "hub.reject_only": ("这条规则县局不能豁免：只能拒绝。", "The county cannot waive this rule: reject it."),
    "hub.resolved_accepted": ("已接受 {id}，{station} 下次同步时收到这个决定。", "Accepted {id}; {station} receives the decision at its next sync."),
    "hub.resolved_rejected": ("已拒绝 {id}，{station} 下次同步时收到这个决定。", "Rejected {id}; {station} receives the decision at its next sync."),
    # what waits at the county (kjtui sync status)
    "status.held_at_hub": ("笔记本 {station}：{n} 条记录暂存，待处理（kjtui hub conflicts）", "Station {station}: {n} record(s) held, waiting for a decision (kjtui hub conflicts)"),
    "status.nothing_waiting": ("县局没有暂存本机的记录。", "Nothing of this laptop waits at the county."),
    "status.waiting": ("在县局等待处理：{n} 条记录（其余记录已照常导入）", "Waiting at the county: {n} record(s) (everything else was applied)"),
    "status.waiting_hint": ("这些记录由县局管理员决定；本机可以照常记录和同步。", "The county's administrator decides on these; this laptop records and syncs as usual."),
    "status.rejected": ("县局已拒绝：{n} 条记录", "Rejected by the county: {n} record(s)"),
    # enrollment re-issued, revoked, taken back
    "hub.enroll_replaces": ("第 {old} 代笔记本被第 {inc} 代取代，但没有注销：它已经写下的变更（U 盘上的、旧笔记本上的）照常接收，直到你退役它：kjtui hub revoke --manager {code} --incarnation {old}", "Incarnation {old} is replaced by {inc} but not revoked: the changes it already wrote (on a stick, on the old laptop) are still accepted until you retire it: kjtui hub revoke --manager {code} --incarnation {old}"),
    "hub.unknown_incarnation": ("{code} 没有第 {inc} 代笔记本。", "{code} has no incarnation {inc}."),
    "hub.not_revoked": ("{code} 没有已注销的笔记本可以恢复。", "{code} has no revoked laptop to take back."),
    "hub.unrevoked": ("已恢复 {code} 的第 {inc} 代笔记本：它的同步包重新接收。", "Took back the revocation of {code}'s incarnation {inc}: its bundles are accepted again."),
    "cli.hub.unrevoke": ("撤销注销：重新接收某一代笔记本的同步包", "take a revocation back: accept that incarnation's bundles again"),
    "cli.opt.incarnation": ("第几代笔记本（默认：全部/最近一代）", "incarnation (default: all / the most recent)"),
    "status.replaced": ("已被新一代取代（仍接收）", "replaced (still accepted)"),
    # the HTTP hub's refusals (sync/hub_server.py)
    "bundle.not_canonical": ("同步包的清单不是规范格式（键重复或顺序不对），已拒收，未做任何改动。", "The bundle's manifest is not in canonical form (a key twice, or out of order); it was refused and nothing was changed."),
    "hub.busy": ("县局正忙，未做任何改动；稍后自动重试。", "The hub is busy; nothing was changed; try again shortly."),
    "hub.unavailable": ("县局暂时无法处理（{reason}），未做任何改动；稍后再试。", "The hub cannot take bundles right now ({reason}); nothing was changed; try again later."),
    "http.timeout": ("发送太慢（{seconds} 秒内没有收到数据），连接已断开，未做任何改动。", "The bundle arrived too slowly (nothing for {seconds} s); nothing was changed."),
    "http.not_found": ("县局没有这个地址；同步包请发到 /bundles。", "The hub has no such address; bundles go to /bundles."),
    "http.method": ("这个地址不接受这种请求。", "This address does not take that kind of request."),
    "http.bad_request": ("请求无效，未做任何改动。", "The request is invalid; nothing was changed."),
    # push and import, said right
    "push.nothing": ("没有待发送的变更；已向县局取回消息，写入 {n} 条记录。", "Nothing to send; asked the hub for its news: {n} records written here."),
    "push.held": ("县局暂存了 {n} 条记录待处理，其余已导入；kjtui sync status 说明原因。", "The hub holds {n} record(s) for a decision and applied the rest; kjtui sync status says why."),
    "sync.held": ("其中 {n} 条记录违反规则，已暂存待处理（kjtui hub conflicts），其余已导入。", "{n} record(s) break a rule and are held for a decision (kjtui hub conflicts); the rest was applied."),
    "sync.skew_here": ("注意：本机时钟与县局相差 {days} 天，请校准本机时钟。", "Note: this laptop's clock is {days} days off the county's; set this laptop's clock right."),
}
