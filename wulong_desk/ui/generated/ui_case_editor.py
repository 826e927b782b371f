# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'case_editor.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QScrollArea, QSizePolicy, QSpacerItem,
    QSpinBox, QSplitter, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget)

from wulong_desk.ui.date_field import DateField

class Ui_CaseEditor(object):
    def setupUi(self, CaseEditor):
        if not CaseEditor.objectName():
            CaseEditor.setObjectName(u"CaseEditor")
        CaseEditor.resize(1180, 760)
        self.mainLayout = QVBoxLayout(CaseEditor)
        self.mainLayout.setObjectName(u"mainLayout")
        self.splitter = QSplitter(CaseEditor)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.formScroll = QScrollArea(self.splitter)
        self.formScroll.setObjectName(u"formScroll")
        self.formScroll.setWidgetResizable(True)
        self.formScroll.setMinimumSize(QSize(560, 0))
        self.formPane = QWidget()
        self.formPane.setObjectName(u"formPane")
        self.formPaneLayout = QVBoxLayout(self.formPane)
        self.formPaneLayout.setObjectName(u"formPaneLayout")
        self.basicGroup = QGroupBox(self.formPane)
        self.basicGroup.setObjectName(u"basicGroup")
        self.basicForm = QFormLayout(self.basicGroup)
        self.basicForm.setObjectName(u"basicForm")
        self.caseNoEditLabel = QLabel(self.basicGroup)
        self.caseNoEditLabel.setObjectName(u"caseNoEditLabel")

        self.basicForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.caseNoEditLabel)

        self.caseNoEdit = QLineEdit(self.basicGroup)
        self.caseNoEdit.setObjectName(u"caseNoEdit")

        self.basicForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.caseNoEdit)

        self.statusComboLabel = QLabel(self.basicGroup)
        self.statusComboLabel.setObjectName(u"statusComboLabel")

        self.basicForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.statusComboLabel)

        self.statusCombo = QComboBox(self.basicGroup)
        self.statusCombo.setObjectName(u"statusCombo")

        self.basicForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.statusCombo)

        self.titleNoEditLabel = QLabel(self.basicGroup)
        self.titleNoEditLabel.setObjectName(u"titleNoEditLabel")

        self.basicForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.titleNoEditLabel)

        self.titleNoEdit = QLineEdit(self.basicGroup)
        self.titleNoEdit.setObjectName(u"titleNoEdit")

        self.basicForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.titleNoEdit)

        self.addressEditLabel = QLabel(self.basicGroup)
        self.addressEditLabel.setObjectName(u"addressEditLabel")

        self.basicForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.addressEditLabel)

        self.addressEdit = QLineEdit(self.basicGroup)
        self.addressEdit.setObjectName(u"addressEdit")

        self.basicForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.addressEdit)

        self.methodComboLabel = QLabel(self.basicGroup)
        self.methodComboLabel.setObjectName(u"methodComboLabel")

        self.basicForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.methodComboLabel)

        self.methodCombo = QComboBox(self.basicGroup)
        self.methodCombo.setObjectName(u"methodCombo")

        self.basicForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.methodCombo)

        self.signedDateLabel = QLabel(self.basicGroup)
        self.signedDateLabel.setObjectName(u"signedDateLabel")

        self.basicForm.setWidget(5, QFormLayout.ItemRole.LabelRole, self.signedDateLabel)

        self.signedDate = DateField(self.basicGroup)
        self.signedDate.setObjectName(u"signedDate")

        self.basicForm.setWidget(5, QFormLayout.ItemRole.FieldRole, self.signedDate)

        self.movedOnTimeCheckLabel = QLabel(self.basicGroup)
        self.movedOnTimeCheckLabel.setObjectName(u"movedOnTimeCheckLabel")

        self.basicForm.setWidget(6, QFormLayout.ItemRole.LabelRole, self.movedOnTimeCheckLabel)

        self.movedOnTimeCheck = QCheckBox(self.basicGroup)
        self.movedOnTimeCheck.setObjectName(u"movedOnTimeCheck")

        self.basicForm.setWidget(6, QFormLayout.ItemRole.FieldRole, self.movedOnTimeCheck)

        self.minHousingCheckLabel = QLabel(self.basicGroup)
        self.minHousingCheckLabel.setObjectName(u"minHousingCheckLabel")

        self.basicForm.setWidget(7, QFormLayout.ItemRole.LabelRole, self.minHousingCheckLabel)

        self.minHousingCheck = QCheckBox(self.basicGroup)
        self.minHousingCheck.setObjectName(u"minHousingCheck")

        self.basicForm.setWidget(7, QFormLayout.ItemRole.FieldRole, self.minHousingCheck)

        self.landAreaEditLabel = QLabel(self.basicGroup)
        self.landAreaEditLabel.setObjectName(u"landAreaEditLabel")

        self.basicForm.setWidget(8, QFormLayout.ItemRole.LabelRole, self.landAreaEditLabel)

        self.landAreaEdit = QLineEdit(self.basicGroup)
        self.landAreaEdit.setObjectName(u"landAreaEdit")

        self.basicForm.setWidget(8, QFormLayout.ItemRole.FieldRole, self.landAreaEdit)

        self.landPriceEditLabel = QLabel(self.basicGroup)
        self.landPriceEditLabel.setObjectName(u"landPriceEditLabel")

        self.basicForm.setWidget(9, QFormLayout.ItemRole.LabelRole, self.landPriceEditLabel)

        self.landPriceEdit = QLineEdit(self.basicGroup)
        self.landPriceEdit.setObjectName(u"landPriceEdit")

        self.basicForm.setWidget(9, QFormLayout.ItemRole.FieldRole, self.landPriceEdit)

        self.remarksEditLabel = QLabel(self.basicGroup)
        self.remarksEditLabel.setObjectName(u"remarksEditLabel")

        self.basicForm.setWidget(10, QFormLayout.ItemRole.LabelRole, self.remarksEditLabel)

        self.remarksEdit = QLineEdit(self.basicGroup)
        self.remarksEdit.setObjectName(u"remarksEdit")

        self.basicForm.setWidget(10, QFormLayout.ItemRole.FieldRole, self.remarksEdit)


        self.formPaneLayout.addWidget(self.basicGroup)

        self.ownersGroup = QGroupBox(self.formPane)
        self.ownersGroup.setObjectName(u"ownersGroup")
        self.ownersGroupLayout = QVBoxLayout(self.ownersGroup)
        self.ownersGroupLayout.setObjectName(u"ownersGroupLayout")
        self.ownersTable = QTableWidget(self.ownersGroup)
        self.ownersTable.setObjectName(u"ownersTable")
        self.ownersTable.setMinimumSize(QSize(0, 110))
        self.ownersTable.setTabKeyNavigation(False)
        self.ownersTable.setAlternatingRowColors(True)

        self.ownersGroupLayout.addWidget(self.ownersTable)

        self.ownersGroupButtons = QHBoxLayout()
        self.ownersGroupButtons.setObjectName(u"ownersGroupButtons")
        self.addOwnerButton = QPushButton(self.ownersGroup)
        self.addOwnerButton.setObjectName(u"addOwnerButton")
        self.addOwnerButton.setAutoDefault(False)

        self.ownersGroupButtons.addWidget(self.addOwnerButton)

        self.removeOwnerButton = QPushButton(self.ownersGroup)
        self.removeOwnerButton.setObjectName(u"removeOwnerButton")
        self.removeOwnerButton.setAutoDefault(False)

        self.ownersGroupButtons.addWidget(self.removeOwnerButton)

        self.ownersGroupSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.ownersGroupButtons.addItem(self.ownersGroupSpacer)


        self.ownersGroupLayout.addLayout(self.ownersGroupButtons)


        self.formPaneLayout.addWidget(self.ownersGroup)

        self.partsGroup = QGroupBox(self.formPane)
        self.partsGroup.setObjectName(u"partsGroup")
        self.partsGroupLayout = QVBoxLayout(self.partsGroup)
        self.partsGroupLayout.setObjectName(u"partsGroupLayout")
        self.partsTable = QTableWidget(self.partsGroup)
        self.partsTable.setObjectName(u"partsTable")
        self.partsTable.setMinimumSize(QSize(0, 110))
        self.partsTable.setTabKeyNavigation(False)
        self.partsTable.setAlternatingRowColors(True)

        self.partsGroupLayout.addWidget(self.partsTable)

        self.partsGroupButtons = QHBoxLayout()
        self.partsGroupButtons.setObjectName(u"partsGroupButtons")
        self.addPartButton = QPushButton(self.partsGroup)
        self.addPartButton.setObjectName(u"addPartButton")
        self.addPartButton.setAutoDefault(False)

        self.partsGroupButtons.addWidget(self.addPartButton)

        self.removePartButton = QPushButton(self.partsGroup)
        self.removePartButton.setObjectName(u"removePartButton")
        self.removePartButton.setAutoDefault(False)

        self.partsGroupButtons.addWidget(self.removePartButton)

        self.partsGroupSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.partsGroupButtons.addItem(self.partsGroupSpacer)


        self.partsGroupLayout.addLayout(self.partsGroupButtons)


        self.formPaneLayout.addWidget(self.partsGroup)

        self.equipmentGroup = QGroupBox(self.formPane)
        self.equipmentGroup.setObjectName(u"equipmentGroup")
        self.equipmentGroupLayout = QVBoxLayout(self.equipmentGroup)
        self.equipmentGroupLayout.setObjectName(u"equipmentGroupLayout")
        self.equipmentTable = QTableWidget(self.equipmentGroup)
        self.equipmentTable.setObjectName(u"equipmentTable")
        self.equipmentTable.setMinimumSize(QSize(0, 110))
        self.equipmentTable.setTabKeyNavigation(False)
        self.equipmentTable.setAlternatingRowColors(True)

        self.equipmentGroupLayout.addWidget(self.equipmentTable)

        self.equipmentGroupButtons = QHBoxLayout()
        self.equipmentGroupButtons.setObjectName(u"equipmentGroupButtons")
        self.addEquipmentButton = QPushButton(self.equipmentGroup)
        self.addEquipmentButton.setObjectName(u"addEquipmentButton")
        self.addEquipmentButton.setAutoDefault(False)

        self.equipmentGroupButtons.addWidget(self.addEquipmentButton)

        self.removeEquipmentButton = QPushButton(self.equipmentGroup)
        self.removeEquipmentButton.setObjectName(u"removeEquipmentButton")
        self.removeEquipmentButton.setAutoDefault(False)

        self.equipmentGroupButtons.addWidget(self.removeEquipmentButton)

        self.equipmentGroupSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.equipmentGroupButtons.addItem(self.equipmentGroupSpacer)


        self.equipmentGroupLayout.addLayout(self.equipmentGroupButtons)


        self.formPaneLayout.addWidget(self.equipmentGroup)

        self.exchangeGroup = QGroupBox(self.formPane)
        self.exchangeGroup.setObjectName(u"exchangeGroup")
        self.exchangeLayout = QVBoxLayout(self.exchangeGroup)
        self.exchangeLayout.setObjectName(u"exchangeLayout")
        self.exchangeForm = QFormLayout()
        self.exchangeForm.setObjectName(u"exchangeForm")
        self.transitionSpinLabel = QLabel(self.exchangeGroup)
        self.transitionSpinLabel.setObjectName(u"transitionSpinLabel")

        self.exchangeForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.transitionSpinLabel)

        self.transitionSpin = QSpinBox(self.exchangeGroup)
        self.transitionSpin.setObjectName(u"transitionSpin")
        self.transitionSpin.setMaximum(120)

        self.exchangeForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.transitionSpin)

        self.turnoverCheckLabel = QLabel(self.exchangeGroup)
        self.turnoverCheckLabel.setObjectName(u"turnoverCheckLabel")

        self.exchangeForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.turnoverCheckLabel)

        self.turnoverCheck = QCheckBox(self.exchangeGroup)
        self.turnoverCheck.setObjectName(u"turnoverCheck")

        self.exchangeForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.turnoverCheck)

        self.interruptionSpinLabel = QLabel(self.exchangeGroup)
        self.interruptionSpinLabel.setObjectName(u"interruptionSpinLabel")

        self.exchangeForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.interruptionSpinLabel)

        self.interruptionSpin = QSpinBox(self.exchangeGroup)
        self.interruptionSpin.setObjectName(u"interruptionSpin")
        self.interruptionSpin.setMaximum(120)

        self.exchangeForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.interruptionSpin)

        self.overdueSpinLabel = QLabel(self.exchangeGroup)
        self.overdueSpinLabel.setObjectName(u"overdueSpinLabel")

        self.exchangeForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.overdueSpinLabel)

        self.overdueSpin = QSpinBox(self.exchangeGroup)
        self.overdueSpin.setObjectName(u"overdueSpin")
        self.overdueSpin.setMaximum(120)

        self.exchangeForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.overdueSpin)


        self.exchangeLayout.addLayout(self.exchangeForm)

        self.housesTable = QTableWidget(self.exchangeGroup)
        self.housesTable.setObjectName(u"housesTable")
        self.housesTable.setMinimumSize(QSize(0, 110))
        self.housesTable.setTabKeyNavigation(False)
        self.housesTable.setAlternatingRowColors(True)

        self.exchangeLayout.addWidget(self.housesTable)

        self.housesButtons = QHBoxLayout()
        self.housesButtons.setObjectName(u"housesButtons")
        self.addHouseButton = QPushButton(self.exchangeGroup)
        self.addHouseButton.setObjectName(u"addHouseButton")
        self.addHouseButton.setAutoDefault(False)

        self.housesButtons.addWidget(self.addHouseButton)

        self.removeHouseButton = QPushButton(self.exchangeGroup)
        self.removeHouseButton.setObjectName(u"removeHouseButton")
        self.removeHouseButton.setAutoDefault(False)

        self.housesButtons.addWidget(self.removeHouseButton)

        self.housesSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.housesButtons.addItem(self.housesSpacer)


        self.exchangeLayout.addLayout(self.housesButtons)


        self.formPaneLayout.addWidget(self.exchangeGroup)

        self.formScroll.setWidget(self.formPane)
        self.splitter.addWidget(self.formScroll)
        self.breakdownHost = QWidget(self.splitter)
        self.breakdownHost.setObjectName(u"breakdownHost")
        self.splitter.addWidget(self.breakdownHost)

        self.mainLayout.addWidget(self.splitter)

        self.lockLabel = QLabel(CaseEditor)
        self.lockLabel.setObjectName(u"lockLabel")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.lockLabel.sizePolicy().hasHeightForWidth())
        self.lockLabel.setSizePolicy(sizePolicy)

        self.mainLayout.addWidget(self.lockLabel)

        self.bottomLayout = QHBoxLayout()
        self.bottomLayout.setObjectName(u"bottomLayout")
        self.unlockButton = QPushButton(CaseEditor)
        self.unlockButton.setObjectName(u"unlockButton")
        self.unlockButton.setAutoDefault(False)

        self.bottomLayout.addWidget(self.unlockButton)

        self.historyButton = QPushButton(CaseEditor)
        self.historyButton.setObjectName(u"historyButton")
        self.historyButton.setAutoDefault(False)

        self.bottomLayout.addWidget(self.historyButton)

        self.bottomSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.bottomLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(CaseEditor)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Close|QDialogButtonBox.Reset|QDialogButtonBox.Save)

        self.bottomLayout.addWidget(self.buttonBox)


        self.mainLayout.addLayout(self.bottomLayout)

#if QT_CONFIG(shortcut)
        self.caseNoEditLabel.setBuddy(self.caseNoEdit)
        self.statusComboLabel.setBuddy(self.statusCombo)
        self.titleNoEditLabel.setBuddy(self.titleNoEdit)
        self.addressEditLabel.setBuddy(self.addressEdit)
        self.methodComboLabel.setBuddy(self.methodCombo)
        self.signedDateLabel.setBuddy(self.signedDate)
        self.movedOnTimeCheckLabel.setBuddy(self.movedOnTimeCheck)
        self.minHousingCheckLabel.setBuddy(self.minHousingCheck)
        self.landAreaEditLabel.setBuddy(self.landAreaEdit)
        self.landPriceEditLabel.setBuddy(self.landPriceEdit)
        self.remarksEditLabel.setBuddy(self.remarksEdit)
        self.transitionSpinLabel.setBuddy(self.transitionSpin)
        self.turnoverCheckLabel.setBuddy(self.turnoverCheck)
        self.interruptionSpinLabel.setBuddy(self.interruptionSpin)
        self.overdueSpinLabel.setBuddy(self.overdueSpin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.caseNoEdit, self.statusCombo)
        QWidget.setTabOrder(self.statusCombo, self.titleNoEdit)
        QWidget.setTabOrder(self.titleNoEdit, self.addressEdit)
        QWidget.setTabOrder(self.addressEdit, self.methodCombo)
        QWidget.setTabOrder(self.methodCombo, self.signedDate)
        QWidget.setTabOrder(self.signedDate, self.movedOnTimeCheck)
        QWidget.setTabOrder(self.movedOnTimeCheck, self.minHousingCheck)
        QWidget.setTabOrder(self.minHousingCheck, self.landAreaEdit)
        QWidget.setTabOrder(self.landAreaEdit, self.landPriceEdit)
        QWidget.setTabOrder(self.landPriceEdit, self.remarksEdit)
        QWidget.setTabOrder(self.remarksEdit, self.ownersTable)
        QWidget.setTabOrder(self.ownersTable, self.addOwnerButton)
        QWidget.setTabOrder(self.addOwnerButton, self.removeOwnerButton)
        QWidget.setTabOrder(self.removeOwnerButton, self.partsTable)
        QWidget.setTabOrder(self.partsTable, self.addPartButton)
        QWidget.setTabOrder(self.addPartButton, self.removePartButton)
        QWidget.setTabOrder(self.removePartButton, self.equipmentTable)
        QWidget.setTabOrder(self.equipmentTable, self.addEquipmentButton)
        QWidget.setTabOrder(self.addEquipmentButton, self.removeEquipmentButton)
        QWidget.setTabOrder(self.removeEquipmentButton, self.transitionSpin)
        QWidget.setTabOrder(self.transitionSpin, self.turnoverCheck)
        QWidget.setTabOrder(self.turnoverCheck, self.interruptionSpin)
        QWidget.setTabOrder(self.interruptionSpin, self.overdueSpin)
        QWidget.setTabOrder(self.overdueSpin, self.housesTable)
        QWidget.setTabOrder(self.housesTable, self.addHouseButton)
        QWidget.setTabOrder(self.addHouseButton, self.removeHouseButton)
        QWidget.setTabOrder(self.removeHouseButton, self.unlockButton)
        QWidget.setTabOrder(self.unlockButton, self.historyButton)

        self.retranslateUi(CaseEditor)

        QMetaObject.connectSlotsByName(CaseEditor)
    # setupUi

    def retranslateUi(self, CaseEditor):
        CaseEditor.setWindowTitle(QCoreApplication.translate("CaseEditor", u"\u6848\u5377", None))
        self.basicGroup.setTitle(QCoreApplication.translate("CaseEditor", u"\u57fa\u672c\u4fe1\u606f", None))
        self.caseNoEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u6848\u5377\u7f16\u53f7(&N)", None))
#if QT_CONFIG(tooltip)
        self.caseNoEdit.setToolTip(QCoreApplication.translate("CaseEditor", u"\u672c\u9879\u76ee\u5185\u552f\u4e00\uff0c\u4f8b\u5982 FR-0001", None))
#endif // QT_CONFIG(tooltip)
        self.statusComboLabel.setText(QCoreApplication.translate("CaseEditor", u"\u72b6\u6001", None))
        self.titleNoEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u4ea7\u6743\u8bc1\u53f7", None))
        self.addressEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u5750\u843d", None))
        self.methodComboLabel.setText(QCoreApplication.translate("CaseEditor", u"\u8865\u507f\u65b9\u5f0f(&M)", None))
        self.signedDateLabel.setText(QCoreApplication.translate("CaseEditor", u"\u7b7e\u7ea6\u65e5\u671f(&D)", None))
#if QT_CONFIG(tooltip)
        self.signedDate.setToolTip(QCoreApplication.translate("CaseEditor", u"\u7b7e\u7ea6\u540e\u586b\u5199\uff1b\u672a\u7b7e\u7ea6\u7684\u7559\u7a7a", None))
#endif // QT_CONFIG(tooltip)
        self.movedOnTimeCheckLabel.setText(QCoreApplication.translate("CaseEditor", u"\u642c\u8fc1", None))
        self.movedOnTimeCheck.setText(QCoreApplication.translate("CaseEditor", u"\u6309\u671f\u642c\u8fc1\uff08\u6807\u51c6\u7b2c7\u9879\uff09", None))
        self.minHousingCheckLabel.setText(QCoreApplication.translate("CaseEditor", u"\u6700\u4f4e\u4f4f\u623f\u4fdd\u969c", None))
        self.minHousingCheck.setText(QCoreApplication.translate("CaseEditor", u"\u5df2\u7533\u8bf7\u5e76\u7ecf\u6838\u5b9e\u516c\u793a\uff08\u529e\u6cd5\u7b2c\u4e09\u5341\u4e03\u6761\uff09", None))
        self.landAreaEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u571f\u5730\u4f7f\u7528\u6743\u9762\u79ef", None))
#if QT_CONFIG(tooltip)
        self.landAreaEdit.setToolTip(QCoreApplication.translate("CaseEditor", u"\u5e73\u65b9\u7c73\uff1b\u4e0e\u5355\u4ef7\u540c\u65f6\u586b\u5199\uff08\u529e\u6cd5\u7b2c\u4e09\u5341\u4e94\u6761\uff09", None))
#endif // QT_CONFIG(tooltip)
        self.landPriceEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u571f\u5730\u5355\u4ef7", None))
#if QT_CONFIG(tooltip)
        self.landPriceEdit.setToolTip(QCoreApplication.translate("CaseEditor", u"\u5143/\u5e73\u65b9\u7c73", None))
#endif // QT_CONFIG(tooltip)
        self.remarksEditLabel.setText(QCoreApplication.translate("CaseEditor", u"\u5907\u6ce8", None))
        self.ownersGroup.setTitle(QCoreApplication.translate("CaseEditor", u"\u88ab\u5f81\u6536\u4eba\uff08\u516c\u623f\u586b\u627f\u79df\u4eba\uff09", None))
        self.addOwnerButton.setText(QCoreApplication.translate("CaseEditor", u"\u6dfb\u52a0\u4e00\u884c", None))
#if QT_CONFIG(tooltip)
        self.addOwnerButton.setToolTip(QCoreApplication.translate("CaseEditor", u"Ctrl+Enter \u4e5f\u53ef\u6dfb\u52a0\u4e00\u884c", None))
#endif // QT_CONFIG(tooltip)
        self.removeOwnerButton.setText(QCoreApplication.translate("CaseEditor", u"\u5220\u9664\u9009\u4e2d\u884c", None))
        self.partsGroup.setTitle(QCoreApplication.translate("CaseEditor", u"\u623f\u5c4b\uff08\u8bc1\u8f7d\u9762\u79ef\u3001\u8bc4\u4f30\u5355\u4ef7\u7b49\uff09", None))
        self.addPartButton.setText(QCoreApplication.translate("CaseEditor", u"\u6dfb\u52a0\u4e00\u884c", None))
#if QT_CONFIG(tooltip)
        self.addPartButton.setToolTip(QCoreApplication.translate("CaseEditor", u"\u5728\u6700\u540e\u4e00\u683c\u6309 Enter \u4e5f\u4f1a\u6dfb\u52a0\u4e00\u884c", None))
#endif // QT_CONFIG(tooltip)
        self.removePartButton.setText(QCoreApplication.translate("CaseEditor", u"\u5220\u9664\u9009\u4e2d\u884c", None))
        self.equipmentGroup.setTitle(QCoreApplication.translate("CaseEditor", u"\u8bbe\u65bd\u8bbe\u5907\uff08\u6807\u51c6\u7b2c4\u9879\uff09", None))
        self.addEquipmentButton.setText(QCoreApplication.translate("CaseEditor", u"\u6dfb\u52a0\u4e00\u884c", None))
#if QT_CONFIG(tooltip)
        self.addEquipmentButton.setToolTip(QCoreApplication.translate("CaseEditor", u"Ctrl+Enter \u4e5f\u53ef\u6dfb\u52a0\u4e00\u884c", None))
#endif // QT_CONFIG(tooltip)
        self.removeEquipmentButton.setText(QCoreApplication.translate("CaseEditor", u"\u5220\u9664\u9009\u4e2d\u884c", None))
        self.exchangeGroup.setTitle(QCoreApplication.translate("CaseEditor", u"\u4ea7\u6743\u8c03\u6362", None))
        self.transitionSpinLabel.setText(QCoreApplication.translate("CaseEditor", u"\u8fc7\u6e21\u671f\u9650\uff08\u6708\uff09", None))
        self.turnoverCheckLabel.setText(QCoreApplication.translate("CaseEditor", u"\u5468\u8f6c\u7528\u623f", None))
        self.turnoverCheck.setText(QCoreApplication.translate("CaseEditor", u"\u5f81\u6536\u90e8\u95e8\u63d0\u4f9b\u5468\u8f6c\u7528\u623f", None))
        self.interruptionSpinLabel.setText(QCoreApplication.translate("CaseEditor", u"\u505c\u4ea7\u505c\u4e1a\u671f\u9650\uff08\u6708\uff09", None))
        self.overdueSpinLabel.setText(QCoreApplication.translate("CaseEditor", u"\u8fc7\u6e21\u903e\u671f\uff08\u6708\uff09", None))
        self.addHouseButton.setText(QCoreApplication.translate("CaseEditor", u"\u6dfb\u52a0\u8c03\u6362\u623f\u5c4b", None))
        self.removeHouseButton.setText(QCoreApplication.translate("CaseEditor", u"\u5220\u9664\u9009\u4e2d\u623f\u5c4b", None))
        self.lockLabel.setText("")
        self.unlockButton.setText(QCoreApplication.translate("CaseEditor", u"\u89e3\u9501\u66f4\u6b63\u2026", None))
#if QT_CONFIG(tooltip)
        self.unlockButton.setToolTip(QCoreApplication.translate("CaseEditor", u"\u5df2\u7b7e\u7ea6\u7684\u6848\u5377\u9700\u5199\u660e\u7406\u7531\u624d\u80fd\u4fee\u6539\u91d1\u989d\u76f8\u5173\u6570\u636e", None))
#endif // QT_CONFIG(tooltip)
        self.historyButton.setText(QCoreApplication.translate("CaseEditor", u"\u4fee\u6539\u8bb0\u5f55\u2026", None))
    # retranslateUi

