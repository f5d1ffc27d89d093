from django.urls import path

from .views import (
    allocations,
    assignments,
    conflicts,
    cycles,
    decisions,
    entries,
    exports,
    hearings,
    scenarios,
)

app_name = "reviews"

E = "<int:fiscal_year>/institutions/<slug:code>/"

urlpatterns = [
    path("", cycles.cycle_list, name="cycles"),
    path("new/", cycles.cycle_create, name="cycle_create"),
    path("<int:fiscal_year>/", cycles.cycle_detail, name="cycle"),
    path("<int:fiscal_year>/settings/", cycles.cycle_settings, name="settings"),
    path(
        "<int:fiscal_year>/settings/institutions/",
        cycles.cycle_institutions,
        name="settings_institutions",
    ),
    path("<int:fiscal_year>/stage/<slug:action>/", cycles.cycle_stage, name="stage"),
    path("<int:fiscal_year>/assignments/", assignments.workload, name="assignments"),
    path("<int:fiscal_year>/assignments/proposal/", assignments.proposal, name="proposal"),
    path(
        "<int:fiscal_year>/assignments/<int:pk>/remove/",
        assignments.assignment_remove,
        name="assignment_remove",
    ),
    path("<int:fiscal_year>/conflicts/", conflicts.conflict_list, name="conflicts"),
    path(
        "<int:fiscal_year>/conflicts/<int:pk>/<slug:action>/",
        conflicts.conflict_action,
        name="conflict_action",
    ),
    path("<int:fiscal_year>/affiliations/", conflicts.affiliation_add, name="affiliation_add"),
    path("<int:fiscal_year>/hearings/", hearings.hearing_days, name="hearings"),
    path("<int:fiscal_year>/hearings/mine.ics", hearings.my_hearings_ics, name="my_hearings_ics"),
    path("<int:fiscal_year>/deliberation/", decisions.deliberation_page, name="deliberation"),
    path(
        "<int:fiscal_year>/results.<slug:file_format>",
        exports.result_table,
        name="results",
    ),
    path("<int:fiscal_year>/allocation/", allocations.allocation_page, name="allocation"),
    path(
        "<int:fiscal_year>/allocation/<slug:code>/adjust/",
        allocations.allocation_adjust,
        name="allocation_adjust",
    ),
    path(
        "<int:fiscal_year>/allocation/approve/",
        allocations.allocation_approve,
        name="allocation_approve",
    ),
    path(
        "<int:fiscal_year>/allocation/reopen/",
        allocations.allocation_reopen,
        name="allocation_reopen",
    ),
    path(
        "<int:fiscal_year>/allocation.<slug:file_format>",
        allocations.allocation_download,
        name="allocation_download",
    ),
    path("<int:fiscal_year>/scenarios/", scenarios.scenario_list, name="scenarios"),
    path(
        "<int:fiscal_year>/consolidations/",
        scenarios.cycle_consolidations,
        name="consolidations",
    ),
    path("<int:fiscal_year>/scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path(
        "<int:fiscal_year>/scenarios/<int:pk>/delete/",
        scenarios.scenario_delete,
        name="scenario_delete",
    ),
    path(
        "<int:fiscal_year>/scenarios/<int:pk>.<slug:file_format>",
        scenarios.scenario_download,
        name="scenario_download",
    ),
    path(E, entries.entry_detail, name="entry"),
    path(E + "reports/<int:report_year>/", entries.report_page, name="report"),
    path(E + "statement/", entries.statement_edit, name="statement"),
    path(E + "statement/attachments/", entries.attachment_upload, name="attachment_upload"),
    path(E + "statement/attachments/<int:pk>/", entries.attachment_download, name="attachment"),
    path(
        E + "statement/attachments/<int:pk>/delete/",
        entries.attachment_delete,
        name="attachment_delete",
    ),
    path(E + "score/", entries.score_page, name="score"),
    path(E + "scores/<int:pk>/reopen/", entries.scores_reopen, name="scores_reopen"),
    path(E + "hearing/", hearings.hearing_edit, name="hearing"),
    path(E + "hearing.ics", hearings.hearing_ics, name="hearing_ics"),
    path(E + "decision/", decisions.decision_edit, name="decision"),
    path(E + "decision/approve/", decisions.decision_approve, name="decision_approve"),
    path(E + "decision/scenario/", scenarios.decision_scenario, name="decision_scenario"),
    path(E + "decision/reopen/", decisions.decision_reopen, name="decision_reopen"),
    path(E + "allocation/", allocations.own_amount, name="own_amount"),
    path(E + "sheet.<slug:file_format>", exports.hearing_sheet, name="sheet"),
]
