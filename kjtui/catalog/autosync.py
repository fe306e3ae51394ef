"""Words of the station syncing by itself: the hub's address, the sync panel, `sync push`."""

MESSAGES = {
    # kjtui station hub
    "cli.station.hub": ("设置县局同步地址：工作本打开且联网时自动同步", "set the county hub's address: the open notebook syncs by itself when online"),
    "cli.opt.hub_off": ("不再自动同步", "stop syncing by itself"),
    "station.hub_set": ("县局地址已设为 {url}：工作本打开且连得上时自动同步。", "The hub's address is now {url}: the open notebook syncs by itself whenever it reaches it."),
    "station.hub_off": ("已关闭自动同步；kjtui sync push 仍可手动同步。", "Syncing by itself is off; kjtui sync push still syncs by hand."),
    "station.hub_is": ("县局地址：{url}", "The hub's address: {url}"),
    "station.hub_none": ("没有设置县局地址（kjtui station hub 地址）。", "No hub address is set (kjtui station hub URL)."),
    "autosync.bad_url": ("“{url}” 不是县局地址：应以 http:// 或 https:// 开头，例如 http://192.168.1.10:8750。", "\"{url}\" is not a hub address: it starts with http:// or https://, e.g. http://192.168.1.10:8750."),
    "autosync.is_hub": ("这是县局数据库，不需要县局地址。", "This is the hub's database: it needs no hub address."),
    "autosync.failed": ("同步没有完成（{reason}），变更仍保存在本机。", "The sync did not finish ({reason}); the changes stay on this laptop."),
    "push.progress": ("发送中", "Sending"),
    "push.summary": ("已发送 {n} 条变更（序号 {first}–{last}，{bundles} 个包），县局：{status}；县局回复写入 {m} 条记录。", "Sent {n} {n|change|changes} (seq {first}–{last}, {bundles} {bundles|bundle|bundles}); the hub: {status}; its answer wrote {m} {m|record|records} here."),
    "push.no_hub": ("没有县局地址：用 --hub 指定，或先运行 kjtui station hub 地址。", "No hub address: give --hub, or run kjtui station hub URL first."),
}
