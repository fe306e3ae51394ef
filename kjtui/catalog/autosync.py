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
    # the sync lines on Home, the title bar, the key
    "key.sync_now": ("立即同步", "Sync now"),
    "sync.never": ("从未同步", "never"),
    "sync.today_at": ("今天 {time}", "today {time}"),
    "sync.unreachable": ("连不上县局。", "The hub cannot be reached."),
    "sync.sending": ("同步：正在发往县局（{done}/{total} 条）……", "Sync: sending to the county ({done}/{total})…"),
    "sync.no_hub": ("同步：没有设置县局地址，{n} 条变更留在本机。", "Sync: no hub address is set; {n} {n|change stays|changes stay} on this laptop."),
    "sync.failed_here": ("同步：{n} 条变更留在本机，{at} 自动再试（F12 立即同步）。{why}", "Sync: {n} {n|change stays|changes stay} on this laptop; trying again at {at} (F12 now). {why}"),
    "sync.pending": ("同步：{n} 条变更待发送 · 上次同步 {last}", "Sync: {n} {n|change|changes} to send · last synced {last}"),
    "sync.all_sent": ("同步：全部已发到县局 · 上次同步 {last}", "Sync: everything is at the county · last synced {last}"),
    "sync.missing": ("县局还缺序号 {ranges}，下次同步补发。", "The county still lacks seq {ranges}; the next sync sends them again."),
    "sync.title.pending": ("待同步 {n} 条", "{n} to sync"),
    "sync.title.sent": ("已同步", "synced"),
    "sync.title.failed": ("同步未完成", "sync failed"),
    "sync.title.sending": ("同步中", "syncing"),
}
