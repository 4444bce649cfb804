"""Two provincial plans implementing the national one: Jiangsu's (a saved real page's text,
tests/fixtures/provinces/) and Zhejiang's (written for the tests, with its own targets)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JIANGSU = (ROOT / "tests" / "fixtures" / "provinces" / "jiangsu_implementation.txt").read_text(encoding="utf-8")
JIANGSU_TITLE = JIANGSU.splitlines()[0]
ZHEJIANG_TITLE = "浙江省经济和信息化厅关于贯彻落实《工业互联网和人工智能融合赋能行动方案》的通知"
ZHEJIANG = ("各市经信局：\n\n为贯彻落实工业和信息化部《工业互联网和人工智能融合赋能行动方案》，现就有关工作通知如下。\n\n"
            "一、工作目标\n\n到2028年，推动不少于8000家企业实施新型工业网络改造升级，在15个重点行业打造一批高质量数据集。\n\n"
            "二、重点工作\n\n（一）加快工业网络开放智能升级。各地要组织企业开展新型工业网络改造。\n\n"
            "（二）加强行业数据集建设支撑。鼓励龙头企业打造行业数据集。\n\n"
            "（三）建设数字经济创新提质示范区。推动“未来工厂”建设。")
