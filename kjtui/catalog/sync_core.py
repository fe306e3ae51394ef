"""Words of the write path (kjtui.models.journal)."""

MESSAGES = {
    "write.hub_owned": ("{kind} 由县局维护，本机不能修改。", "{kind} records are kept by the county; this laptop cannot change them."),
    "write.not_owner": ("这条{kind}记录属于 {owner}，本机不能修改。", "This {kind} record belongs to {owner}; this laptop cannot change it."),
    "write.signed": ("这条{kind}记录已经签名认可，不能修改；请新建一条更正记录。", "This {kind} record is signed and cannot be edited; record a correction instead."),
}
