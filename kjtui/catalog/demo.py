"""Words of `kjtui demo`."""

MESSAGES = {
    "demo.opt.seed": ("随机种子：同一种子、同一天生成的数据完全相同", "random seed: the same seed on the same day builds the same data"),
    "demo.opt.scale": ("规模：county（一个县，4222 户）或 province（一百个县，约 42 万户，只有示范县本月的记录）",
                       "size: county (one county, 4,222 customers) or province (a hundred counties, about 422,000 customers, only this month of the demo county's notebooks)"),
    "demo.opt.no_open": ("生成后不打开工作本", "do not open the notebook afterwards"),
    "demo.opt.today": ("按这一天生成（YYYY-MM-DD，默认今天）：重现某一天的数据", "build the county as of this day (YYYY-MM-DD, default today): reproduces a given day's data"),
    "demo.bad_today": ("日期要写成 YYYY-MM-DD，例如 2026-05-13，不认识 {value}。", "The day must be written YYYY-MM-DD, e.g. 2026-05-13, not {value}."),
    "demo.opt.force": ("覆盖已有数据（会删除其中全部记录）", "overwrite existing data (every record in it is removed)"),
    "demo.exists": ("{path} 里已经是这个示范县，直接打开；要重建请加 --force。", "{path} already holds this demo county: opening it as it is (add --force to build it again)."),
    "demo.exists_no_open": ("{path} 里已经是这个示范县，未做改动；打开它：kjtui --db {path}（要重建请加 --force）。", "{path} already holds this demo county and was left as it is; open it with kjtui --db {path} (add --force to build it again)."),
    "demo.pins": ("示范县客户的密码：许可证号的后 6 位（如许可证号 431322123456，密码就是 123456）；还没有密码的客户第一次认可时设置，也可按这个规则设。",
                  "Demo customers' PINs: the last 6 digits of the licence number (licence 431322123456: PIN 123456); a customer without one chooses it at the first acknowledgement, by the same rule if you like."),
    "demo.not_empty": ("{path} 里已有数据，未做任何改动；换一个 --db 路径，或加 --force 覆盖。",
                       "{path} already holds data and was left untouched; choose another --db path or add --force to overwrite it."),
    "demo.bad_scale": ("规模只能是 county 或 province，不认识 {scale}。", "The scale must be county or province, not {scale}."),
    "demo.step.master": ("乡镇、客户经理、客户与线路", "Townships, managers, customers and routes"),
    "demo.step.months": ("逐月记录、评分与考核", "Month by month: notebooks, scores and eliminations"),
    "demo.done": ("示范数据已生成：{path}（{customers:,} 户客户，{managers} 名在岗客户经理，{rows:,} 条记录，{seconds:.1f} 秒）",
                  "Demo built in {path} ({customers:,} customers, {managers} active managers, {rows:,} records, {seconds:.1f} s)"),
}
