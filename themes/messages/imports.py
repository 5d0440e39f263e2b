"""Bulk import into the shared libraries (批量导入) and an import's progress page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "imports.title": ("批量导入", "Bulk import"),
    "imports.format": (
        "CSV（UTF-8）或 XLSX 文件，第一行为列名：",
        "CSV (UTF-8) or XLSX, the first row naming the columns:",
    ),
    "imports.kind": ("类型", "Kind"),
    "imports.file": ("文件", "File"),
    "imports.strict": (
        "严格模式：有错误行则不导入任何数据",
        "Strict: any bad row, nothing imported",
    ),
    "imports.dry_run": ("试运行：只校验", "Dry run: validate only"),
    "imports.start": ("开始", "Start"),
    "imports.job": ("导入 #{id}", "Import #{id}"),
    "imports.state": ("状态", "State"),
    "imports.dry_run_mark": ("（试运行）", " (dry run)"),
    "imports.strict_mark": ("（严格模式）", " (strict)"),
    "imports.progress": ("进度", "Progress"),
    "imports.imported": ("已导入", "Imported"),
    "imports.problems": ("错误行（{count}）", "Rows with problems ({count})"),
    "imports.line": ("行", "Line"),
    "imports.field": ("字段", "Field"),
    "imports.problem": ("问题", "Problem"),
    "imports.field.file": ("文件", "File"),
    "imports.field.row": ("整行", "Row"),
    "imports.another": ("新的导入", "Another import"),
}
