"""Knowledge-base part of the sample (issue 15), used by generate_sample.py.

Adds, from its own seeded generator (so the incident figures of PLANTED.md sections 1-5 stay as
they were):
  * post-release SAP ERP how-to questions ("where is ... since the upgrade"), numbered INC0020001..,
    rising from the S/4HANA release on 2026-09-14 to the end of October;
  * ``close_notes`` (the agent's resolution note) on every resolved ticket;
  * ``kb_knowledge.csv``, a ServiceNow knowledge-base list export;
  * ``knowledge_labels.csv``, which article answers each how-to / request ticket (the labelled
    set behind ``trendminer eval knowledge``).
"""
import csv
import datetime as dt

RELEASE_DAY = dt.date(2026, 9, 14)      # the same release as generate_sample.RELEASE_DAY
END = dt.date(2026, 10, 31)
RAMP = (0.4, 2.6)                       # post-release how-to questions per weekday: 09-15 .. 10-31
FIRST_NUMBER = 20001

SAP_UPGRADE_HOWTO = (
    "howto_upgrade", "howto", "I", 1,
    "where are open purchase orders in {s} since the upgrade|how do I find goods receipts in {s} after the upgrade|"
    "vendor list in {s} looks different since the upgrade - how to filter?|which transaction replaces XK03 in {s} now?|"
    "how do I find the purchase order history in new {s}",
    "Since the upgrade the open purchase order list in {s} looks completely different. How do I find my open POs now?|"
    "After the S/4HANA upgrade I cannot find the goods receipts for PO {po} in {s} anymore, where are they?|"
    "The vendor master transaction in {s} redirects me to a new screen since the upgrade. How do I display vendor data now?|"
    "How do I get the list of open purchase orders for my plant in {s} after the upgrade? The old selection is gone.")

# (system, problem type) -> steps of the agent's resolution note
STEPS = {
    ("Outlook", "ooo"): ["Open File > Automatic Replies", "Select 'Send automatic replies' and tick 'Only send during this time range'",
                         "Write the message on the 'Inside My Organization' and 'Outside My Organization' tabs", "Sent the user KB0010001"],
    ("SAP ERP", "howto"): ["Open transaction ME2N for purchase orders by vendor", "Enter selection parameter WE101 for open goods receipts",
                           "Goods receipts: transaction MB51 with the PO number", "Vendor master data: transaction XK03"],
    ("SAP ERP", "howto_upgrade"): ["Since S/4HANA the vendor master is maintained in transaction BP (XK03 redirects there)",
                                   "Open purchase orders: Fiori app 'Manage Purchase Orders', filter 'Open'",
                                   "Goods receipts: Fiori app 'Material Documents Overview' replaces the MB51 layout",
                                   "KB0010002 still shows the old transactions"],
    ("SAP Concur", "receipts"): ["Open the expense entry and click 'Attach Receipt'", "From the phone: Concur mobile app > Add receipt, then drag it onto the entry",
                                 "Lost receipt: choose 'Missing Receipt Declaration' on the entry", "Receipts over 25 EUR need an image"],
    ("SAP Concur", "submit"): ["Open the report and fix the entries marked with a red exclamation mark", "Click 'Submit Report' at the top right",
                               "No submit button: the report is already submitted or you are a delegate"],
    ("SAP Concur", "costcenter"): ["The default cost center comes from Workday", "Project expenses go to the project cost center (CC-4xxx)",
                                   "Trade fairs and events: the Marketing events cost center"],
    ("SAP Concur", "delegate"): ["Profile > Profile Settings > Expense Delegates", "Add the delegate and tick 'Can Prepare' or 'Can Approve'"],
    ("Okta SSO", "locked"): ["Verified the caller's identity by call-back", "Unlocked the account in the Okta admin console",
                             "Told the user about self-service unlock: 'Forgot password' on the Okta page with Okta Verify"],
    ("Okta SSO", "newphone"): ["Install Okta Verify on the new phone", "Sign in at the Okta settings page and choose 'Set up' for Okta Verify",
                               "Scan the QR code; remove the old device"],
    ("Workday", "timeoff"): ["Home > Absence > Request Absence", "Pick the days and the type, then Submit", "To cancel: My Absence > Correct / Cancel"],
}
VIA = ["Called user and walked through it:", "Explained via Teams chat:", "Walked {name} through it:", "Resolution:", ""]
GENERIC = {"howto": ["Explained the steps to the user", "User confirmed it works"],
           "request": ["Request approved by the manager", "Access granted and user informed"],
           "failure": ["Restarted the client and cleared the cache", "User confirmed the issue is fixed"]}

# ServiceNow kb_knowledge list export: number, short_description, text (HTML), kb_category, workflow_state, dates, views
ARTICLES = [
    ("KB0010001", "Outlook: set up an out of office reply (automatic reply)", "Email", "published", "2025-11-03", "2026-08-03 10:12:00", 412,
     "<h2>Out of office in Outlook</h2><p>Going on vacation? Set up an out of office reply in Outlook (Outlook calls it "
     "<i>Automatic Replies</i>), in the Outlook app or in Outlook on the web.</p>"
     "<ol><li>Open <b>File &gt; Automatic Replies</b>.</li><li>Select <i>Send automatic replies</i> and set the time range of your vacation.</li>"
     "<li>Write one out of office message for people inside and one for people outside the organization.</li></ol>", ("Outlook/ooo",)),
    ("KB0010002", "SAP ERP: find purchase orders, goods receipts and vendor data", "ERP", "published", "2025-09-15", "2026-04-20 15:40:00", 96,
     "<p>How to find open purchase orders, goods receipts and vendor master data in SAP.</p><ul><li>Open purchase orders: "
     "transaction <code>ME2N</code>, selection parameter WE101.</li><li>Goods receipts: <code>MB51</code> with the PO number.</li>"
     "<li>Vendor master data: <code>XK03</code>.</li></ul>", ("SAP ERP/howto", "SAP ERP/howto_upgrade")),
    ("KB0010003", "Okta Verify: move to a new phone", "Identity", "published", "2025-10-01", "2026-07-15 09:00:00", 230,
     "<p>Got a new phone? Install Okta Verify on the new phone, sign in to the Okta settings page, choose <b>Set up</b> and scan "
     "the QR code. Remove the old device afterwards.</p>", ("Okta SSO/newphone",)),
    ("KB0010004", "Workday: request or cancel time off", "HR", "published", "2025-12-01", "2026-05-30 11:00:00", 388,
     "<p>Request vacation in Workday: Home &gt; Absence &gt; Request Absence, pick the days, submit. Cancel an approved request "
     "under My Absence &gt; Correct.</p>", ("Workday/timeoff",)),
    ("KB0010005", "GlobalProtect VPN: install on a new laptop and portal address", "Network", "published", "2025-08-20", "2026-06-11 08:30:00", 301,
     "<p>Install the GlobalProtect client from the Software Center, then enter the portal address <code>vpn.corp-example.com</code>."
     " Private computers are not supported.</p>", ("GlobalProtect VPN/install",)),
    ("KB0010006", "PaperCut: scan to e-mail and double-sided printing", "Printing", "published", "2025-07-01", "2026-03-02 14:00:00", 120,
     "<p>At the printer, log in with your badge, choose <b>Scan &gt; Scan to my e-mail</b>. For duplex printing choose "
     "'2-sided' in the print dialog or set it as default in the printer preferences.</p>", ("PaperCut Printing/scan",)),
    ("KB0010007", "Microsoft Teams: create a team or a private channel", "Collaboration", "published", "2025-06-10", "2026-02-14 10:00:00", 205,
     "<p>In Teams choose <b>Join or create a team &gt; Create team</b>. Add a private channel from the team's <i>...</i> menu "
     "&gt; Add channel &gt; Privacy: Private.</p>", ("Microsoft Teams/channel",)),
    ("KB0010008", "SharePoint: restore a previous version or a deleted file", "Collaboration", "published", "2025-05-05", "2026-01-20 16:00:00", 180,
     "<p>Restore an overwritten file: select it, <b>Version history</b>, Restore. Deleted files and folders are in the site's "
     "<b>Recycle bin</b> for 93 days.</p>", ("SharePoint/version",)),
    ("KB0010009", "Citrix Workspace: install on a home computer or a Mac", "Remote Access", "published", "2025-04-01", "2026-05-02 09:15:00", 77,
     "<p>Download Citrix Workspace app for Windows or macOS from citrix.com, install it and add the store address "
     "<code>desktop.corp-example.com</code>.</p>", ("Citrix Workspace/install",)),
    ("KB0010010", "Salesforce: create a report of your open opportunities", "CRM", "published", "2025-03-03", "2026-06-25 13:00:00", 64,
     "<p>Reports &gt; New Report &gt; Opportunities; filter <i>My opportunities</i> and Stage not Closed. Save it to a folder "
     "to share it.</p>", ()),
    ("KB0010011", "Concur Classic: attaching receipts", "Expenses", "retired", "2023-02-01", "2025-01-10 12:00:00", 15,
     "<p>In Concur Classic open the expense and use <b>Attach Receipt Images</b>. (Retired with the move to the new Concur UI.)</p>", ()),
    ("KB0010012", "Jira: build a filter with JQL", "Issue tracking", "draft", "2026-10-20", "2026-10-20 17:00:00", 0,
     "<p>Draft. Issues &gt; Search &gt; Advanced; for example <code>project = X AND status = Open</code>.</p>", ()),
    ("KB0010013", "Windows: install a printer driver", "Printing", "published", "2024-11-11", "2025-11-11 10:00:00", 42,
     "<p>Drivers come from the Software Center; you do not need admin rights.</p>", ()),
    ("KB0010014", "Laptop battery care", "Hardware", "published", "2024-10-01", "2025-10-01 10:00:00", 33,
     "<p>Keep the battery between 20% and 80% where you can. A swollen battery must be replaced at once: bring the laptop to the IT desk.</p>", ()),
]
KB_COLUMNS = ["number", "short_description", "text", "kb_category", "kb_knowledge_base", "workflow_state", "sys_created_on",
              "sys_updated_on", "sys_view_count", "author"]


def extra_tickets(rng, office_time):
    """The post-release SAP ERP how-to questions: a rate ramping from RAMP[0] to RAMP[1] per weekday."""
    out, day, n_days = [], RELEASE_DAY + dt.timedelta(days=1), (END - RELEASE_DAY).days
    dow = [1.12, 1.05, 1.0, 0.98, 0.85, 0.25, 0.25]
    while day <= END:
        rate = (RAMP[0] + (RAMP[1] - RAMP[0]) * (day - RELEASE_DAY).days / n_days) * dow[day.weekday()]
        out += [dict(system="SAP ERP", ptype=SAP_UPGRADE_HOWTO, opened=office_time(rng, day), outage=False) for _ in range(rng.poisson(rate))]
        day += dt.timedelta(days=1)
    out.sort(key=lambda t: t["opened"])
    for i, t in enumerate(out):
        t.update(number=f"INC{FIRST_NUMBER + i:07d}", kind="howto", sap_post=False)
    return out


def add_close_notes(rng, tickets, callers):
    """A resolution note for every ticket (written only where the ticket is resolved); some name the caller."""
    known = {c["name"] for c in callers}
    for t in tickets:
        steps = STEPS.get((t["system"], t["ptype"][0]), GENERIC[t["kind"]])
        via = VIA[int(rng.integers(len(VIA)))].format(name=t["caller"] if t["caller"] in known else "the user")
        numbered = rng.random() < 0.5
        body = "\n".join(f"{k + 1}. {s}" for k, s in enumerate(steps)) if numbered else "; ".join(steps) + "."
        t["close_notes"] = (via + "\n" + body).strip() if via else body


def write_kb(path):
    """kb_knowledge.csv: the articles, one row re-exported with an older update and one row without text."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(KB_COLUMNS)
        for number, title, cat, state, created, updated, views, body, _ in ARTICLES:
            w.writerow([number, title, body, cat, "IT", state, f"{created} 09:00:00", updated, views, "Knowledge Team"])
        old = ARTICLES[2]   # an overlapping earlier export of KB0010003: the newest sys_updated_on wins
        w.writerow([old[0], old[1], "<p>Install Okta Verify on the new phone.</p>", old[2], "IT", "published", f"{old[4]} 09:00:00",
                    "2026-01-05 09:00:00", 101, "Knowledge Team"])
        w.writerow(["KB0010099", "", "", "Misc", "IT", "draft", "2026-10-30 09:00:00", "2026-10-30 09:00:00", 0, "Knowledge Team"])


def answers():
    """group ("system/problem type") -> the number of the published article that answers it."""
    return {g: a[0] for a in ARTICLES if a[3] == "published" for g in a[8]}


def write_labels(path, tickets):
    """knowledge_labels.csv: every how-to / request ticket, its group and the article that answers it ('' = none)."""
    by = answers()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ticket_id", "group", "article"])
        for t in sorted(tickets, key=lambda t: t["number"]):
            if t["kind"] != "failure" and t["system"] and not t.get("german"):
                group = f"{t['system']}/{t['ptype'][0]}"
                w.writerow([t["number"], group, by.get(group, "")])


def report(tickets, extra):
    """Print the knowledge figures (copied into PLANTED.md section 6)."""
    def month_counts(ts):
        counts = {}
        for t in ts:
            counts[t["opened"].strftime("%b")] = counts.get(t["opened"].strftime("%b"), 0) + 1
        return ", ".join(f"{k} {v}" for k, v in counts.items())

    def of(system, key, ts=tickets):
        return [t for t in ts if t["system"] == system and t["ptype"][0] == key]
    lines = [f"post-release SAP ERP how-to questions: {len(extra)} ({extra[0]['number']}..{extra[-1]['number']}), per month: {month_counts(extra)}",
             f"  before the release: SAP ERP how-to {len([t for t in of('SAP ERP', 'howto') if t['opened'].date() <= RELEASE_DAY])},"
             f" after: {len([t for t in of('SAP ERP', 'howto') if t['opened'].date() > RELEASE_DAY]) + len(extra)} (incl. the new ones)"]
    for system, key in [("SAP Concur", "receipts"), ("SAP Concur", "submit"), ("SAP Concur", "costcenter"), ("Outlook", "ooo"), ("Okta SSO", "locked")]:
        ts = of(system, key)
        lines.append(f"{system}/{key}: {len(ts)} tickets ({month_counts(ts)}), distinct callers {len({t['caller'] for t in ts})}")
    resolved = [t for t in tickets + extra if t["resolved"]]
    lines.append(f"close_notes on {len(resolved)} resolved tickets; naming the caller: {sum('Walked' in t['close_notes'] and 'the user' not in t['close_notes'] for t in resolved)}")
    lines.append(f"kb_knowledge.csv: {len(ARTICLES) + 2} rows, {len(ARTICLES)} articles "
                 f"({sum(a[3] == 'published' for a in ARTICLES)} published, 1 retired, 1 draft), 1 re-exported row, 1 row without title or text")
    print("\n".join(lines))
