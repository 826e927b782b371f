"""What each field of a case and of a project is called on the screens (Qt-free, no imports):
the case editor's tables and rows, the project dialog, the checker's messages and the lock's
refusals (store/audit.py) all take their words from here, so every surface names a field the
same way."""

from __future__ import annotations

LISTS = {"owners": "被征收人", "case.parts": "房屋", "case.equipment": "设施设备",
         "case.exchange.houses": "调换房屋"}
COLUMNS: dict[str, dict[str, str]] = {
    "owners": {"role": "身份", "name": "姓名", "id_number": "身份证号", "phone": "电话",
               "address": "住址"},
    "case.parts": {"use": "用途", "area": "证载面积", "inner_area": "套内面积",
                   "unit_price": "评估单价", "decoration_value": "装修评估值",
                   "water_accounts": "水表户", "power_accounts": "电表户",
                   "gas_accounts": "气表户", "gas_cost": "燃气开户费",
                   "business_eligible": "停产停业", "manufacturing": "生产制造",
                   "registration": "登记状态", "temporary_amount": "临时建筑核定金额"},
    "case.equipment": {"name": "名称", "reusable": "可搬迁", "net_value": "折旧后净值",
                       "rate": "补助比例", "assessed_value": "评估价值"},
    "case.exchange.houses": {"location": "位置", "use": "用途", "area": "建筑面积",
                             "inner_area": "套内面积", "unit_price": "单价"},
}
SINGLE = {"case_no": "案卷编号", "title_no": "产权证号", "address": "坐落", "status": "状态",
          "moved_on": "搬迁日期", "reason": "理由",
          "owners": "被征收人", "case.parts": "房屋", "case.method": "补偿方式",
          "case.signed_on": "签约日期", "case.moved_on_time": "按期搬迁",
          "case.presign": "预签协议", "case.decided_on": "补偿决定日期",
          "case.min_housing_eligible": "最低住房保障", "case.land_area": "土地使用权面积",
          "case.land_unit_price": "土地单价", "case.exchange": "产权调换",
          "case.exchange.houses": "调换房屋",
          "case.exchange.transition_months": "过渡期限（月）",
          "case.exchange.turnover_house": "临时周转房",
          "case.exchange.turnover_premises": "临时经营场所",
          "case.exchange.interruption_months": "停产停业期限（月）",
          "case.exchange.overdue_months": "过渡逾期（月）",
          "agreement": "付款约定", "agreement.payment_terms": "付款期限",
          "agreement.payee": "收款账户", "agreement.payee.name": "户名",
          "agreement.payee.bank": "开户行", "agreement.payee.account": "账号",
          "agreement.payment_term_text": "付款期限（原文）",
          "agreement.bank_account_text": "收款账户（原文）",
          "project": "项目"}
# the project dialog's own fields (its options and readings are named by the standard file:
# `project_label`); the dialog labels its rows from here, so a message names what the form shows
PROJECT = {"name": "项目名称", "decision_no": "征收决定文号", "department": "征收部门",
           "implementer": "实施单位", "appraiser": "评估机构",
           "agreement_prefix": "协议编号前缀", "agreement_year": "协议编号年份",
           "move_deadline": "搬迁期限", "old_town": "旧城区改建",
           "payment_terms": "默认付款期限",
           "presign_threshold": "预签生效比例"}
