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
}
