"""Files analysts hand on: archive exports (CSV for Excel, XLSX) and the 修改前后对照表 (DOCX, XLSX).

- :mod:`policywatch.exports.table`     the 对照表 as data: a title block and one row per change
- :mod:`policywatch.exports.docx`      the 对照表 as a Word file (python-docx)
- :mod:`policywatch.exports.xlsx`      the 对照表 and archive exports as workbooks (openpyxl)
- :mod:`policywatch.exports.archive`   archive export rows with relation, priority, plan, figures

python-docx and openpyxl are imported only by the modules that write those files.
"""
