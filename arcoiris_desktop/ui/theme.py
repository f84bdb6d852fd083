"""One style sheet for the till: large targets for fingers, high contrast for a bright shop."""

from __future__ import annotations

ACCENT = "#0b6e4f"
DANGER = "#b3261e"
WARN = "#8a5a00"
INK = "#1d1d1f"
MUTED = "#5f6368"
SURFACE = "#f6f7f9"

STYLE = f"""
QWidget {{ font-size: 15px; color: {INK}; }}
QMainWindow, QDialog {{ background: {SURFACE}; }}
QPushButton {{
    background: #ffffff; border: 1px solid #c9ced6; border-radius: 8px;
    padding: 7px 14px; min-height: 28px; font-weight: 600;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed {{ background: #e7f2ee; }}
QPushButton:disabled {{ color: #9aa0a6; background: #f1f3f4; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: none; }}
QPushButton[role="primary"]:disabled {{ background: #8fb8aa; }}
QPushButton[role="danger"] {{ color: {DANGER}; }}
QPushButton[role="key"] {{ font-size: 22px; min-width: 64px; min-height: 48px; }}
QPushButton#pay {{ min-height: 40px; }}
QPushButton[role="tile"] {{ font-size: 17px; min-height: 72px; text-align: center; }}
QLineEdit {{
    background: white; border: 2px solid #c9ced6; border-radius: 8px; padding: 8px 10px;
    font-size: 20px;
}}
QLineEdit:focus {{ border-color: {ACCENT}; }}
QTableView, QListWidget, QListView {{
    background: white; border: 1px solid #d5d9e0; border-radius: 8px;
    selection-background-color: #d7ece4; selection-color: {INK}; font-size: 16px;
}}
QHeaderView::section {{
    background: #eef0f3; border: none; border-bottom: 1px solid #d5d9e0; padding: 6px;
    font-weight: 600; color: {MUTED};
}}
QLabel[role="title"] {{ font-size: 26px; font-weight: 700; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="total"] {{ font-size: 40px; font-weight: 800; color: {INK}; }}
QLabel[role="big"] {{ font-size: 24px; font-weight: 700; }}
QLabel[role="change"] {{ font-size: 34px; font-weight: 800; color: {ACCENT}; }}
QFrame[role="panel"] {{ background: white; border: 1px solid #d5d9e0; border-radius: 10px; }}
QLabel[role="banner-error"] {{
    background: {DANGER}; color: white; padding: 10px 14px; border-radius: 8px;
    font-size: 17px; font-weight: 600;
}}
QLabel[role="banner-info"] {{
    background: {ACCENT}; color: white; padding: 10px 14px; border-radius: 8px;
    font-size: 17px; font-weight: 600;
}}
QLabel[role="banner-warn"] {{
    background: #fff4d6; color: {WARN}; padding: 10px 14px; border-radius: 8px;
    font-size: 17px; font-weight: 600; border: 1px solid #f0d48a;
}}
QPlainTextEdit[role="receipt"] {{
    font-family: "DejaVu Sans Mono", monospace; font-size: 14px; background: white;
    border: 1px solid #d5d9e0;
}}
QStatusBar {{ background: #e9ecef; color: {MUTED}; }}
QStatusBar QPushButton {{ padding: 2px 12px; min-height: 24px; }}
"""
