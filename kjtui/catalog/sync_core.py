"""Words of the write path (kjtui.models.journal) and of the rules every record keeps
(kjtui.models.rules): on a laptop the refusal of a write, at the hub the reason a record is held."""

MESSAGES = {
    "write.hub_owned": ("{kind} 由县局维护，笔记本不能修改。", "{kind} records are kept by the county; a laptop cannot change them."),
    "write.not_owner": ("这条{kind}记录属于 {owner}，只有它自己的笔记本能修改。", "This {kind} record belongs to {owner}; only its own laptop can change it."),
    "write.not_sender": ("这条{kind}记录写着属于 {owner}，却由 {sender} 发送。", "This {kind} record says it belongs to {owner}, but {sender} sent it."),
    "write.signed": ("这条{kind}记录已经签名认可，不能修改；请新建一条更正记录。", "This {kind} record is signed and cannot be edited; record a correction instead."),
    "write.bad_value": ("这条{kind}记录的 {column} 值无效。", "This {kind} record has an invalid value in {column}."),
    "write.stale": ("这条{kind}记录是第 {rev} 版，县局已有第 {held_rev} 版且内容不同（同一客户经理的两台笔记本，或已移交的记录）。", "This {kind} record is revision {rev}; the county holds revision {held_rev} with other values (two laptops of one manager, or a record handed over)."),
    "write.credited": ("这条{kind}记录记在客户经理 {manager} 名下，笔记本只能记在自己的客户经理名下。", "This {kind} record is credited to manager {manager}; a laptop credits only its own manager."),
    "write.missing_reference": ("这条{kind}记录引用的{target}在县局不存在。", "This {kind} record refers to a {target} the county does not have."),
    "write.parent_held": ("这条{kind}记录引用的{target}还在县局等待处理。", "This {kind} record refers to a {target} that is waiting at the county."),
    "write.foreign_reference": ("这条{kind}记录引用了 {owner} 的{target}，只能引用自己的记录。", "This {kind} record refers to a {target} of {owner}; a laptop refers only to its own."),
    "write.out_of_scope": ("这条{kind}记录引用的{target}不归这位客户经理负责。", "This {kind} record refers to a {target} that is not in this manager's care."),
    "write.unique": ("这条{kind}记录的 {columns} 与 {owner} 的另一条记录重复。", "This {kind} record repeats the {columns} of another record of {owner}."),
    "write.database": ("这条{kind}记录无法写入县局数据库（{reason}）。", "This {kind} record could not be written at the county ({reason})."),
}
