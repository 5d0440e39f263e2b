"""Head office's view of the evaluation-expert library (评标专家库), identities included."""

MESSAGES: dict[str, tuple[str, str]] = {
    "experts.title": ("评标专家库", "Expert library"),
    "experts.secret": (
        "本页含专家身份与联系方式，每次查看均记入审计日志，请勿外传。",
        "This page shows experts' identities and contacts; every view is audited. "
        "Do not pass it on.",
    ),
    "experts.specialty": ("专业", "Specialty"),
    "experts.all": ("全部", "All"),
    "experts.region": ("地区", "Region"),
    "experts.filter": ("筛选", "Filter"),
    "experts.code": ("编号", "Code"),
    "experts.name": ("姓名", "Name"),
    "experts.id_number": ("公民身份号码", "ID number"),
    "experts.phone": ("电话", "Phone"),
    "experts.email": ("电子邮箱", "E-mail"),
    "experts.rank": ("职称", "Title"),
    "experts.years": ("从业年限", "Years"),
    "experts.employer": ("工作单位", "Employer"),
    "experts.specialties": ("专业", "Specialties"),
    "experts.availability": ("状态", "Availability"),
    "experts.none": ("暂无", "None"),
    "experts.total": ("共 {total} 名", "{total} in all"),
    "experts.previous": ("上一页", "Previous"),
    "experts.next": ("下一页", "Next"),
}
