"""The working-day calendar page (工作日历)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin.calendar": ("工作日历", "Working days"),
    "calendar.title": ("工作日历", "Working-day calendar"),
    "calendar.intro": (
        "法定时限（如项目登记 2 个工作日、质疑答复 7 个工作日）按本日历计算。"
        "已内置国务院办公厅公布的放假调休安排；新一年的安排公布后请在此录入。",
        "Statutory clocks count with this calendar. The State Council's arrangements are "
        "built in; enter a new year's once it is published.",
    ),
    "calendar.year": ("年份", "Year"),
    "calendar.show": ("查看", "Show"),
    "calendar.not_shipped": (
        "本年度的放假安排尚未录入：除周末外均按工作日计算。",
        "This year's arrangement is not entered: every weekday counts as a working day.",
    ),
    "calendar.date": ("日期", "Date"),
    "calendar.weekday": ("星期", "Weekday"),
    "calendar.kind": ("类别", "Kind"),
    "calendar.name": ("节日", "Holiday"),
    "calendar.source": ("来源", "Source"),
    "calendar.edited": ("服务平台调整", "Edited by head office"),
    "calendar.shipped": ("国务院通知", "State Council notice"),
    "calendar.none": ("本年度没有节假日或调休记录。", "No holiday or adjusted day this year."),
    "calendar.edit": ("调整某一天", "Edit a day"),
    "calendar.submit": ("保存", "Save"),
    "calendar.bad_input": (
        "请填写正确的日期（年-月-日）并选择类别。",
        "Give a date (year-month-day) and choose a kind.",
    ),
    "calendar.bad_year": (
        "日期的年份应在 {first} 年至 {last} 年之间。",
        "The date's year is between {first} and {last}.",
    ),
    "calendar.weekday.0": ("一", "Mon"),
    "calendar.weekday.1": ("二", "Tue"),
    "calendar.weekday.2": ("三", "Wed"),
    "calendar.weekday.3": ("四", "Thu"),
    "calendar.weekday.4": ("五", "Fri"),
    "calendar.weekday.5": ("六", "Sat"),
    "calendar.weekday.6": ("日", "Sun"),
    "label.day_kind.holiday": ("放假", "Holiday"),
    "label.day_kind.workday": ("调休上班", "Adjusted working day"),
    "label.day_kind.ordinary": ("按星期计（取消调整）", "As the weekday says"),
}
