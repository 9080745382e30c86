"""Generate the seeded sample data set for trendminer.

Writes, next to this script:
  servicenow_incidents.csv  -- a ServiceNow-style incident export (2026-06-01 .. 2026-10-31)
  systems.csv               -- the system catalogue the tickets refer to

The data is fully deterministic (numpy.random.default_rng(20261031), no wall-clock time):
running the script twice gives byte-identical files. Planted truths (SAP ERP degrading after a
release, SAP Concur how-to confusion, healthy Confluence, GlobalProtect VPN outage on
2026-10-28/29) are documented in PLANTED.md; the figures this run produced are printed at the end.

Usage:  python data/samples/generate_sample.py
"""
import csv
import datetime as dt
import math
import pathlib
import unicodedata

import numpy as np

import generate_knowledge as knowledge

SEED = 20261031
START, END = dt.date(2026, 6, 1), dt.date(2026, 10, 31)
AS_OF = dt.datetime(2026, 10, 31, 23, 59, 59)
RELEASE_DAY = dt.date(2026, 9, 14)          # "S/4HANA FPS01 upgrade"; degradation from 09-15 on
SAP_FAIL_RATE = (2.0, 8.0)                  # SAP ERP failure tickets per weekday before / after
SAP_OTHER_RATE = 1.0                        # SAP ERP how-to + requests per weekday (steady)
OUTAGE_START = dt.datetime(2026, 10, 28, 7, 30)
OUTAGE_END = dt.datetime(2026, 10, 29, 12, 40)
OUTAGE_TICKETS = {dt.date(2026, 10, 28): 57, dt.date(2026, 10, 29): 26}
NO_SYSTEM_RATE = 1.15                       # tickets/weekday about no catalogued system
N_EXACT_DUPS, N_REEXPORT = 40, 30
KNOWLEDGE_SEED = SEED + 15       # issue 15: the KB export, close notes and post-release how-to questions
OUT = pathlib.Path(__file__).resolve().parent
MAIL_DOMAIN = "corp-example.com"

# ----------------------------------------------------------------------------- catalogue
# name, aliases, vendor, owner_team, lifecycle, user_count, criticality, tickets/weekday, subcategory, typos
SYSTEMS = [
    ("Outlook", "MS Outlook;Outlook 365;Exchange mail;outlook web", "Microsoft", "Messaging & Collaboration", "active", 4800, "high", 3.0, "Email", "outlok;outlock;Outloook"),
    ("GlobalProtect VPN", "VPN;GlobalProtect;GP client", "Palo Alto Networks", "Network Operations", "active", 3500, "high", 3.0, "VPN", "teh vpn;vpn;global protect;globalprotec;VNP"),
    ("SAP ERP", "SAP;SAP GUI;S/4;S4HANA;SAP S/4HANA", "SAP", "ERP Support", "active", 1200, "high", 0.0, "ERP", "sap gui;sapgui;SAP GIU;S4 hana"),
    ("SAP Concur", "Concur;Concur Expense;expense tool", "SAP", "Finance Applications", "active", 2600, "medium", 3.0, "Expenses", "concure;Conccur;concur app"),
    ("Confluence", "wiki;Confluence wiki;Atlassian wiki", "Atlassian", "Collaboration Tools", "active", 3000, "medium", 0.3, "Collaboration", "confluance;confluece"),
    ("Microsoft Teams", "Teams;MS Teams;Teams meetings", "Microsoft", "Messaging & Collaboration", "active", 5000, "high", 2.3, "Collaboration", "teamz;Micrsoft Teams;ms teams"),
    ("SharePoint", "SharePoint Online;SPO;intranet", "Microsoft", "Collaboration Tools", "active", 4200, "medium", 1.6, "Collaboration", "sharepont;share point;Sharepoint online"),
    ("Salesforce", "SFDC;Sales Cloud;salesforce.com", "Salesforce", "CRM Support", "active", 650, "high", 1.6, "CRM", "salesfroce;sales force;SF"),
    ("Workday", "Workday HCM;WD", "Workday", "HR Systems", "active", 4600, "medium", 1.2, "HR", "work day;wrokday;workday app"),
    ("Citrix Workspace", "Citrix;Citrix Receiver;virtual desktop", "Citrix", "End User Computing", "active", 900, "medium", 1.5, "Remote Access", "citrx;citrix reciever;citrix app"),
    ("Okta SSO", "Okta;Okta Verify;SSO;MFA", "Okta", "Identity & Access", "active", 5000, "high", 1.9, "Authentication", "okat;okta verify app;single sign on"),
    ("PaperCut Printing", "PaperCut;follow-me printing;print release", "PaperCut Software", "End User Computing", "active", 3800, "low", 1.4, "Printing", "paper cut;papercut;follow me print"),
    ("Jira", "JIRA Software;Atlassian Jira", "Atlassian", "Collaboration Tools", "active", 800, "medium", 1.0, "Issue tracking", "jria;JIRA;jira board"),
    ("Zoom", "Zoom Meetings;Zoom client", "Zoom Video Communications", "Messaging & Collaboration", "sunset", 1500, "low", 0.6, "Video Conferencing", "zoom;zoon;zoom app"),
    ("Lotus Notes", "IBM Notes;HCL Notes;Lotus", "HCL Technologies", "Legacy Applications", "sunset", 150, "low", 0.1, "Email", "lotus notes;notes client;lotus"),
    ("Skype for Business", "Skype;Lync;SfB", "Microsoft", "Messaging & Collaboration", "retired", 200, "low", 0.03, "Collaboration", "skype busines;lync"),
]
SYS = {s[0]: s for s in SYSTEMS}

# ----------------------------------------------------------------------------- problem types
# (key, kind, category, weight, titles "|", bodies "|").  kind: failure / howto / request.
# Category letters: S Software, H Hardware, N Network, I Inquiry / Help, A Access.
# Slots: {s} system mention, {when} {who} {dept} {proj} {file} {mbx} {cc} {extmail} {dump}.
P = {
 "Outlook": [
  ("crash", "failure", "S", 3, "{s} crashes when opening attachments|{s} closes by itself|{s} keeps crashing|{s} not responding|{s} down|{s} freezes all the time",
   "{s} crashes every time I open a PDF attachment.|{s} freezes for a minute and then just closes, {when}.|When I start {s} I get 'Microsoft Outlook has stopped working' and it closes.|{s} is not responding, I have to kill it in Task Manager several times a day."),
  ("sync", "failure", "S", 3, "emails not arriving in {s}|{s} shows disconnected|{s} stuck on updating inbox|emails stuck in outbox in {s}|{s} not syncing|no new mails in {s}",
   "I have not received any emails in {s} {when}, but colleagues say they sent me something.|{s} shows 'Disconnected' in the status bar and nothing comes in.|The inbox in {s} is not updating, on my phone I can see the new mails though.|Sent items stay in the outbox in {s} and are never sent."),
  ("quota", "failure", "S", 1.5, "mailbox full|{s} says mailbox is full|cannot send emails, {s} mailbox quota|{s} storage limit reached",
   "{s} tells me my mailbox is full and I cannot send anymore.|I get a warning in {s} that I have exceeded my mailbox size limit.|Can you increase my mailbox? {s} says I am over the limit and mails bounce."),
  ("shared", "request", "A", 1.5, "please add me to shared mailbox {mbx}|need send-as rights for {mbx}|shared mailbox {mbx} not visible in {s}|access to shared mailbox in {s}",
   "Could you please give me access to the shared mailbox {mbx} in {s}? My manager approved it.|I need full access and send-as rights for {mbx}, I am taking over from a colleague.|The shared mailbox {mbx} does not show up in {s}, please add it to my profile."),
  ("ooo", "howto", "I", 1.5, "how do I set up out of office in {s}|out of office in {s}?|automatic reply {s} how to|where is the out of office setting in {s}",
   "How do I set an automatic out of office reply in {s}? I am on vacation from next week.|I cannot find the out of office option in the new {s}, where did it go?|Can someone explain how to set different out of office messages for internal and external in {s}?"),
  ("calendar", "howto", "I", 1, "how to share my calendar in {s}|how can my colleague see my calendar in {s}|how to open a colleague's calendar in {s}|{s} calendar permissions for my assistant",
   "Can you explain how I share my calendar with my assistant in {s} so she can book meetings for me?|My colleague {who} should see the details of my appointments in {s}, how do I set that?|How can I open a colleague's calendar in {s}?")],
 "GlobalProtect VPN": [
  ("connect", "failure", "N", 3, "{s} cannot connect|cannot connect to {s}|{s} not connecting from home|{s} stuck on connecting|{s} error: portal not reachable",
   "{s} stays on 'Connecting...' forever and then fails.|I cannot connect to {s} from my home office {when}.|{s} says 'Unable to establish connection to portal'.|When I click connect in {s} nothing happens."),
  ("drops", "failure", "N", 3, "{s} keeps disconnecting|{s} drops every few minutes|{s} connection unstable|{s} disconnects during calls",
   "{s} disconnects every 10 minutes and I lose my call.|The {s} connection drops constantly {when}, I have to reconnect all the time.|The connection via {s} is very unstable, it disconnects as soon as I open large files."),
  ("slow", "failure", "N", 1.5, "{s} very slow|slow network over {s}|{s} extremely slow today",
   "Everything is extremely slow when I am on {s}, opening a network drive takes minutes.|{s} has been so slow {when} that I cannot work from home."),
  ("install", "howto", "I", 1.5, "how do I install {s} on my new laptop|{s} setup on private PC?|how to use {s} abroad|which portal address for {s}",
   "I got a new laptop, how do I install {s} and which portal address do I need to enter?|Can I use {s} on my private computer? If yes, how do I set it up?|I am travelling to our office in Singapore next week, will {s} work there and what do I have to do?"),
  ("access", "request", "A", 1, "please enable {s} access|{s} access for new employee|need remote access via {s}",
   "Please enable {s} access for me, I will be working from home two days a week.|Our new colleague {who} starts on Monday and needs {s} access.|Could you please add me to the {s} remote access group? Approved by my manager.")],
 "SAP ERP": [
  ("slow", "failure", "S", 1, "{s} report takes forever|{s} extremely slow|timeout in {s}|{s} very slow",
   "Running the open items report in {s} takes more than 20 minutes {when}.|{s} is extremely slow, every transaction takes ages to open.|I get a timeout in {s} when I run the stock overview for all plants."),
  ("print", "failure", "S", 0.8, "delivery notes from {s} not printing|{s} print preview empty|cannot print from {s}|{s} spool not printing",
   "Delivery notes from {s} are not printed, the spool request stays in status 'waiting'.|When I print an invoice from {s} the print preview is empty.|Nothing comes out of the printer when I print from {s}."),
  ("howto", "howto", "I", 1, "how do I find open purchase orders in {s}|which transaction for vendor list in {s}|where can I find goods receipts in {s}|how to run cost center report in {s}",
   "How do I get a list of all open purchase orders for my plant in {s}?|Which transaction do I use in {s} to display the vendor master data?|Where can I find the goods receipts for PO {po} in {s}?|How do I run the cost center report (actual vs. plan) in {s}?"),
  ("access", "request", "A", 1, "missing authorization in {s} (SU53)|need {s} authorization for company code|{s} user for new colleague|please grant access to {s} role",
   "I get 'No authorization for transaction' in {s}, SU53 screenshot attached. Please grant the role.|Please grant me {s} authorization for company code 1000, approved by {who}.|New colleague {who} needs a {s} user with the purchasing role.")],
 "SAP Concur": [
  ("submit", "howto", "I", 0.25, "how do I submit an expense report|how to submit expenses in {s}|{s} expense report submission?|first time using {s} - how to submit",
   "How do I submit an expense report in {s}? This is my first business trip.|I created an expense report in {s} but I don't see a submit button, what am I missing?|Can someone walk me through submitting my travel expenses in {s}?"),
  ("receipts", "howto", "I", 0.2, "where do I attach receipts|{s} receipt upload from phone?|lost receipt - what to do in {s}|how to attach receipts in {s}",
   "Where do I attach the receipts in {s}? I only see the amount fields.|How can I upload receipts from my phone to {s}?|I lost a taxi receipt, how do I submit it in {s} without the receipt?"),
  ("costcenter", "howto", "I", 0.15, "which cost center do I use in {s}|which cost center for trade fair expenses|{s} asks for cost center - which one?",
   "Which cost center should I use in {s} for the trade fair in Frankfurt? I am in {dept}.|{s} asks me for a cost center and I am not sure which one applies to our project.|Is it {cc} or the department cost center for training expenses in {s}?"),
  ("delegate", "howto", "I", 0.1, "how to delegate approvals in {s}|can my assistant submit expenses for me in {s}|{s} approval delegate during vacation",
   "How do I delegate my expense approvals in {s} while I am on vacation?|I want my assistant {who} to prepare expense reports for me in {s}, how do I set that up?|How do I set a delegate for approvals in {s}?"),
  ("upload", "failure", "S", 0.08, "{s} receipt upload fails|cannot upload receipts to {s}|{s} error when attaching image",
   "Uploading a receipt in {s} fails with 'File could not be processed'.|{s} shows an error when I attach a JPG receipt, PDF also does not work."),
  ("error", "failure", "S", 0.07, "{s} error 500|{s} not loading|{s} page error",
   "{s} shows 'HTTP 500 Internal Server Error' when I open my expense reports.|{s} does not load at all, only a blank page."),
  ("card", "request", "A", 0.15, "corporate card not showing in {s}|please add me as approver in {s}|{s} profile for new hire",
   "My corporate card transactions do not show up in {s}, can you link my card?|Please set me up as expense approver for my team in {s}.|New employee {who} needs a {s} profile for travel expenses.")],
 "Confluence": [
  ("space", "request", "A", 0.45, "request for new {s} space|could you create a {s} space for our team|new {s} space for project {proj}",
   "Could you please create a new {s} space for our project {proj}? Space admins should be me and {who}. Thank you!|We would like to have a {s} space for the {dept} team documentation. Many thanks in advance.|Kindly set up a {s} space called '{proj}' for our project. Thank you very much."),
  ("perm", "request", "A", 0.35, "{s} permissions for {proj} space|access to {s} space {proj}|please grant edit rights in {s}",
   "Could you please give me edit permissions for the {proj} space in {s}? Thank you.|I would need read access to the {proj} space in {s}, my manager {who} has approved it. Thanks a lot!|Please add {who} to the editors of our {s} space. Thank you!"),
  ("restore", "howto", "I", 0.15, "how to restore an older page version in {s}|how do I move a page in {s}|{s} page history question",
   "Is there a way to restore an older version of a page in {s}? I accidentally overwrote a table. Thanks!|Could you tell me how to move a page with its children to another space in {s}? Thank you."),
  ("slow", "failure", "S", 0.05, "{s} page loads slowly|{s} attachment preview not working",
   "One page in {s} with many attachments loads quite slowly. Not urgent, just wanted to let you know.|The preview of attachments in {s} does not show for me. No rush, thank you.")],
 "Microsoft Teams": [
  ("audio", "failure", "S", 3, "nobody can hear me in {s}|headset not recognized in {s}|{s} audio issues in meetings|{s} microphone not working",
   "In {s} meetings nobody can hear me although the microphone works in Windows.|{s} does not recognize my headset {when}.|Audio in {s} calls is choppy and people say I sound like a robot."),
  ("join", "failure", "S", 2, "cannot join {s} meeting|{s} screen sharing not working|{s} crashes when joining big meetings|{s} meeting link not working|cannot share screen in {s}",
   "When I click the meeting link, {s} just shows the loading circle forever.|I cannot share my screen in {s}, the button is greyed out.|{s} crashes when I try to join a meeting with more than 50 people."),
  ("chat", "failure", "S", 1.5, "{s} messages not sending|{s} chat not loading|{s} notifications not working",
   "My messages in {s} stay with a red exclamation mark and are not sent.|The chat history in {s} does not load, I only see a blank window.|I don't get any notifications from {s} anymore, I miss messages."),
  ("channel", "howto", "I", 1.5, "how do I create a team in {s}|how to add a private channel in {s}|how to chat with external partner in {s}",
   "How can I create a new team in {s} for our department?|I would like to add a private channel in {s}, but the option is missing. How does it work?|How do I add an external partner to a chat in {s}?"),
  ("guest", "request", "A", 1, "guest access for external partner in {s}|please allow external user in {s}|{s} guest account for supplier",
   "Please enable guest access in {s} for our partner {extmail}.|We need to invite an external consultant to our team in {s}, can you allow this?")],
 "SharePoint": [
  ("access", "request", "A", 3, "access denied on {s} site|need access to {s} site {proj}|{s} permission request",
   "I get 'Access denied' when opening the {proj} site on {s}. Please grant me access.|Can you give me edit rights on the {proj} site in {s}? My manager approved.|I need access to a document library on {s}, the link from my colleague {who} does not work."),
  ("error", "failure", "S", 2, "{s} error 500|cannot open documents from {s}|{s} site very slow|{s} page not loading",
   "The {dept} site on {s} shows 'Sorry, something went wrong' (error 500).|Opening Excel files from {s} takes forever and then fails.|{s} is extremely slow {when}."),
  ("sync", "failure", "S", 1.5, "{s} library not syncing|sync error with {s} files|files from {s} show red cross",
   "The synced {s} library on my laptop shows red crosses on all files.|Changes I make to {file} are not synced back to {s}."),
  ("version", "howto", "I", 1.5, "how to restore previous version in {s}|how do I share a {s} folder externally|where is the recycle bin in {s}",
   "I overwrote {file} on {s}, how do I restore the previous version?|How can I share a folder on {s} with an external customer?|Where is the recycle bin on {s}? I deleted a folder by mistake.")],
 "Salesforce": [
  ("login", "failure", "S", 2, "{s} login loop|{s} SAML error|{s} keeps logging me out|cannot log in to {s}",
   "When I open {s} I end up in a login loop and never get to the home page.|{s} shows a SAML error when I try to log in.|{s} logs me out every few minutes {when}."),
  ("report", "failure", "S", 2, "{s} dashboard shows error|opportunity not saving in {s}|{s} report not loading|{s} pipeline dashboard not working|{s} very slow when saving",
   "My pipeline dashboard in {s} shows 'An error occurred' instead of charts.|Saving an opportunity in {s} takes ages and then times out.|Reports in {s} are not loading {when}."),
  ("howto", "howto", "I", 1.5, "how do I create a report in {s}|how to transfer accounts in {s}|how to log calls in {s}",
   "How can I create a report of all my open opportunities in {s}?|My colleague left, how do I transfer his accounts to me in {s}?|Where do I log customer calls in {s}?"),
  ("license", "request", "A", 1, "{s} license for new sales rep|please grant {s} access|need {s} license for new colleague|need {s} permission set",
   "Our new sales rep {who} needs a {s} license starting Monday.|Please give me access to the quotes module in {s}.")],
 "Workday": [
  ("timeoff", "howto", "I", 2, "how do I request vacation in {s}|how to cancel time off in {s}|{s} time off balance wrong?",
   "How do I request vacation days in {s}? I can't find it on the home page.|I need to cancel a time off request in {s} that was already approved, how?|My vacation balance in {s} looks wrong, how is it calculated?"),
  ("payslip", "howto", "I", 1.5, "where can I find my payslip in {s}|how to change bank details in {s}|{s} tax documents",
   "Where can I find my payslips in {s}?|How do I update my bank account details in {s}?|I need my annual tax statement, where is it in {s}?"),
  ("error", "failure", "S", 1.5, "{s} error when submitting|{s} not loading|cannot submit timesheet in {s}",
   "I get an error when submitting my timesheet in {s}: 'Unable to process request'.|{s} does not load, just a spinning wheel {when}."),
  ("access", "request", "A", 0.8, "need manager role in {s}|{s} access for HR partner|cannot see my team in {s}",
   "I was promoted to team lead but I cannot see my team in {s}, please assign the manager role.|Please give {who} access to the recruiting module in {s}.")],
 "Citrix Workspace": [
  ("launch", "failure", "S", 3, "cannot launch app in {s}|{s} error: cannot start app|{s} desktop not available|{s} app does not start",
   "When I click on the application in {s} nothing happens.|{s} shows 'Cannot start app. Contact your help desk.'|My published desktop in {s} is not available {when}."),
  ("disconnect", "failure", "S", 2, "{s} session disconnects|{s} very slow|{s} session freezes",
   "My {s} session freezes every half hour and I have to reconnect.|{s} is extremely slow, typing has a delay of several seconds."),
  ("install", "howto", "I", 1, "how to install {s} on home PC|{s} on Mac?|which {s} version do I need",
   "How do I install {s} on my home computer?|Does {s} work on a Mac and where do I download it?"),
  ("app", "request", "A", 0.8, "please publish application in {s}|need additional app in {s}",
   "Please add the treasury application to my {s}. Approved by {who}.|I need access to the legacy reporting tool in {s}.")],
 "Okta SSO": [
  ("push", "failure", "S", 2.5, "{s} push notification not arriving|cannot log in - {s} code invalid|{s} keeps asking to verify|{s} not working",
   "I don't get the push notification from {s} on my phone, so I cannot log in anywhere.|The code from {s} is always rejected as invalid.|{s} keeps asking me to verify again and again {when}."),
  ("locked", "request", "A", 2.5, "account locked|{s} account locked out|locked out of {s}|please unlock my {s} account",
   "I entered the wrong password too often and now my {s} account is locked.|Please unlock my account, {s} says 'Your account is locked'."),
  ("newphone", "howto", "I", 2, "new phone - how to set up {s}|how do I move {s} to my new phone|{s} on new iPhone",
   "I got a new phone, how do I move {s} to it? The old one is already reset.|How do I set up {s} on my new phone?"),
  ("reset", "howto", "I", 1.5, "password expired {s}|where to change password {s}|how do I reset my password in {s}",
   "My password expired, how do I reset it via {s}?|Where can I change my password in {s}?")],
 "PaperCut Printing": [
  ("stuck", "failure", "H", 3, "print job stuck in {s}|printer on 3rd floor not printing via {s}|print jobs disappear from {s}|cannot release print job via {s}",
   "My print jobs show in {s} but are never released at the printer.|The printer on the 3rd floor does not print anything from {s} {when}.|Print jobs disappear from {s} before I reach the printer."),
  ("badge", "failure", "H", 2, "badge not recognized by {s}|{s} card reader not working|{s} does not know my badge",
   "When I hold my badge to the card reader, {s} says 'Card unknown'.|I got a new badge and {s} does not recognize it."),
  ("scan", "howto", "I", 1.5, "how do I scan to email with {s}|how to print double sided {s}|scan to email {s}",
   "How do I scan a document to my email on the printers with {s}?|How can I set duplex as default for {s}?"),
  ("quota", "request", "A", 0.7, "please enable color printing in {s}|{s} quota used up",
   "Please enable color printing for me in {s}, I need it for marketing material.|My {s} quota is used up, can you increase it?")],
 "Jira": [
  ("project", "request", "A", 2, "new {s} project for {proj}|please create {s} board|{s} project request",
   "Could you please create a new {s} project for {proj} with a Scrum board?|We need a {s} board for the {dept} team."),
  ("perm", "request", "A", 2, "no permission to view {s} issue|{s} access to project {proj}|{s} access request",
   "I get 'You do not have permission to view this issue' in {s} for project {proj}.|Please add me to the {proj} project in {s}."),
  ("howto", "howto", "I", 1.5, "how to create a filter in {s}|{s} bulk edit question|how do I change workflow in {s}",
   "How can I create a filter in {s} that shows all open bugs assigned to my team?|How do I bulk-edit issues in {s}?|How do I change the workflow of our project in {s} so that we get a review status?"),
  ("error", "failure", "S", 1, "{s} error 500|{s} very slow|{s} board not loading",
   "{s} shows error 500 when I open our board.|{s} is very slow {when}, every click takes 10 seconds.")],
 "Zoom": [
  ("audio", "failure", "S", 2, "{s} no audio|{s} crashes on start|no sound in {s} meetings",
   "In {s} meetings I cannot hear anything.|{s} crashes right after starting."),
  ("license", "request", "A", 1.5, "{s} license removed?|need licensed {s} account for customer webinars|{s} pro license request",
   "My {s} license was removed, but customers still send me {s} invites. Can I get it back?|We still need {s} for webinars with external customers, please give me a license."),
  ("migrate", "howto", "I", 1.5, "is {s} being switched off?|how do I move my recurring {s} meetings",
   "I heard {s} will be switched off, what should I use for external meetings?|How do I move my recurring {s} meetings to the new tool?")],
 "Lotus Notes": [
  ("db", "failure", "S", 2, "cannot open {s} database|{s} database error|{s} crashes",
   "I cannot open the old contracts database in {s}, error 'Database is not responding'.|{s} crashes when I open the archive."),
  ("export", "howto", "I", 1, "how to export {s} archive|where is my old {s} mail",
   "How can I export my old {s} archive before it is switched off?|Where can I find my old {s} mails after the migration?"),
  ("access", "request", "A", 1, "access to legacy {s} database", "Please give me read access to the legacy {s} database of the purchasing department.")],
 "Skype for Business": [
  ("popup", "failure", "S", 1, "{s} sign-in error|{s} still starts automatically", "{s} still pops up when I start my laptop and shows a sign-in error.|Why does {s} still start? I thought it was removed."),
  ("howto", "howto", "I", 1, "can I still use {s}?", "A customer sent me a {s} meeting invite, can I still join it?")],
 None: [  # no catalogued system; category Hardware, subcategory given in SUBCAT_NOSYS
  ("monitor", "failure", "H", 2, "my monitor flickers|second monitor goes black|screen flickering",
   "My monitor flickers every few seconds, especially when I move a window.|The external screen goes black for a second and comes back, very annoying."),
  ("mouse", "request", "H", 1.5, "need a new mouse|wireless mouse not working|mouse broken",
   "Could I please get a new mouse? The scroll wheel of mine is broken.|My wireless mouse stopped working, new batteries did not help."),
  ("battery", "failure", "H", 1, "laptop battery swollen|laptop battery drains very fast|battery bulging",
   "The battery of my laptop is swollen, the touchpad is pushed up. Is this dangerous?|My laptop only lasts 40 minutes on battery."),
  ("keyboard", "failure", "H", 1, "keyboard keys not working|some keys stuck|laptop keyboard broken",
   "The E and R keys on my laptop keyboard don't work anymore.|I spilled coffee over the keyboard and now some keys are stuck."),
  ("dock", "failure", "H", 1.5, "docking station not working|dock not recognized|no display via docking station",
   "When I connect my laptop to the docking station, the monitors stay black.|The docking station is not detected, USB devices don't work either."),
  ("headset", "request", "H", 1, "headset broken|headset for new colleague|need a new headset",
   "My headset is broken (cable), could I get a new one?|Please order a headset for our new colleague {who}.")],
}
SAP_POST = [  # new SAP ERP failure types from 2026-09-15 on (share of post-release failures)
  ("me21n", "failure", "S", 0.35, "transaction ME21N dumps|ME21N short dump in {s}|{s} ME21N crashes when creating PO|ABAP dump in ME21N since upgrade",
   "Every time I try to create a purchase order in ME21N, {s} throws a short dump ({dump}).|ME21N dumps when I save the PO, runtime error {dump}. This started after the weekend upgrade.|Cannot create any purchase orders: ME21N terminates with a short dump. Our whole procurement team is blocked."),
  ("guifreeze", "failure", "S", 0.25, "SAP GUI freezes after upgrade|{s} freezes after upgrade|{s} not responding since the update|{s} hangs when opening transactions",
   "Since the upgrade {s} freezes completely several times a day and I lose my entries.|{s} hangs on 'processing' and I have to kill it.|After the update last week {s} freezes whenever I open a long list."),
  ("posting", "failure", "S", 0.15, "posting run fails|{s} posting run failed again|posting run aborted in {s}|month-end posting fails in {s}",
   "The posting run in {s} aborts with error 'Posting period not open' although it is open.|Our scheduled posting run in {s} failed again tonight, the job log shows errors.|Posting run in {s} stops at 40% with a runtime error since the upgrade.")]
OUTAGE = ("outage", "failure", "N", 1, "VPN cannot connect|gateway not responding|VPN down again!!!|{s} not working|{s} down for whole team|cannot connect to {s} - gateway not responding|{s} portal not reachable",
   "{s} says 'gateway not responding' and I cannot connect.|None of us in the department can connect to {s} this morning.|{s} is down, I cannot reach any internal system from home.|I tried 5 times, {s} fails with 'Gateway not responding'.")
SUBCAT_NOSYS = {"monitor": "Monitor", "mouse": "Mouse", "battery": "Battery", "keyboard": "Keyboard", "dock": "Docking Station", "headset": "Headset"}
CATEGORY = {"S": "Software", "H": "Hardware", "N": "Network", "I": "Inquiry / Help", "A": "Access"}

# ----------------------------------------------------------------------------- people and phrases
FIRST = ("Maria John Anna Thomas Laura Michael Sarah Stefan Julia David Katharina Peter Emma Lukas Sophie Daniel Lisa Markus Olga "
         "Priya Rahul Mehmet Ayse Carlos Lucia Piotr Agnieszka Jan Elena Marco Giulia Pierre Camille James Emily Robert Jennifer "
         "Wei Mei Kenji Fatima Omar Sven Ingrid Tobias Nina Andreas Claudia Jürgen Zoë").split()
LAST = ("Schmidt Carter Müller Weber Fischer Meyer Wagner Becker Hoffmann Schulz Koch Richter Klein Wolf Schröder Neumann Braun "
        "Smith Johnson Brown Miller Davis Wilson Taylor Anderson Moore Martin Garcia Rodriguez Lopez Rossi Bianchi Dubois Laurent "
        "Kowalski Nowak Wiśniewski Yılmaz Kaya Sharma Patel Singh Chen Wang Tanaka Sato Hansen Larsen Novak Horvat Jansen "
        "Costa Silva Ivanova Petrov O'Brien Murphy Keller Lehmann").split() + ["de Vries"]
DEPTS = ["Finance", "Controlling", "Procurement", "Logistics", "Sales", "Customer Service", "Marketing", "HR", "Legal", "Engineering", "IT", "Facility Management"]
AFFINITY = {"SAP ERP": ["Finance", "Controlling", "Procurement", "Logistics"], "Salesforce": ["Sales", "Customer Service", "Marketing"],
            "Jira": ["Engineering", "IT"], "Confluence": ["Engineering", "IT", "Marketing"], "SAP Concur": ["Sales", "Engineering", "Marketing"]}
WHEN = ["since this morning", "since yesterday", "since 9:15", "for two days now", "since the last update", "since Monday", "since lunch", "since about an hour"]
PROJECTS = ["Phoenix", "Atlas", "Nordlicht", "Q4 Pricing", "Warehouse 2.0", "Customer Portal", "Apollo", "Blue Harbor", "HR Onboarding", "Mercury"]
FILES = ["Q3_forecast_v2.xlsx", "budget 2027 draft.xlsx", "Vertrag_final.docx", "team roster.xlsx", "pricing_EMEA.pptx", "minutes_0912.docx"]
MAILBOXES = ["finance-ap", "sales.emea", "hr-recruiting", "logistics.dispatch", "marketing-events", "legal.contracts", "helpdesk-escalation"]
DUMPS = ["MESSAGE_TYPE_X", "DBSQL_SQL_ERROR", "TSV_TNEW_PAGE_ALLOC_FAILED", "GETWA_NOT_ASSIGNED", "OBJECTS_OBJREF_NOT_ASSIGNED"]
GREET = ["Hi team,", "Hello,", "Hi,", "Dear IT,", "Good morning,", "Hello Service Desk,", "Hi all,", "Dear colleagues,", "Hey,", "Hello IT team,"]
CLOSE = ["Thanks", "Thanks in advance", "Thank you!", "BR", "Regards", "Cheers", "Many thanks", "Thx", "Kind regards"]
POLITE = ["Could you please help me with this?", "Thank you very much in advance!", "No rush, whenever you have time.", "I would really appreciate your help.",
          "Sorry to bother you with this.", "Could someone please have a look?"]
FRUSTRATION = ["This is the third time this week!", "Still not fixed!!!", "Again!!!", "Same issue as {prev}, which was closed without any fix.",
               "I already reported this last week and nothing happened.", "This is really getting ridiculous.", "Nobody has called me back yet.",
               "Please escalate, I cannot work like this!", "WHY DOES THIS KEEP HAPPENING???", "How long is this going to take???", "It happened again. Seriously.",
               "I am losing hours every day because of this.", "still not fixed, reopening"]
URGENCY = ["I have a deadline today, please hurry.", "Customer meeting at {hour}, need this fixed asap.", "Month-end closing is this week, this is urgent!",
           "Urgent please!", "My manager is waiting for this."]
DETAILS_FAIL = ["I already restarted my laptop, didn't help.", "A colleague next to me has the same problem.", "It worked fine yesterday.",
                "I cleared the cache as suggested in the FAQ, no change.", "Screenshot attached.", "I am working from home today.",
                "It happens on my laptop and on the office PC.", "Not sure if it's related, but there was a Windows update yesterday.",
                "Reinstalling did not help either.", "It started about an hour ago."]
DETAILS_ASK = ["I searched the FAQ but couldn't find anything.", "My colleague {who} said I should ask you.",
               "I'm new in the company, sorry if this is a stupid question.", "A short guide would be great.", "Is there any documentation for this?"]
RAMBLE = ["I was in the middle of preparing the monthly report for my manager when this happened, so I lost about an hour of work.",
          "Honestly I'm not very technical so I don't know what else to try, I turned it off and on again like you always say.",
          "Last time something like this happened someone from IT came by and fixed it in two minutes, but I don't remember what they did.",
          "We have an important presentation with a customer on Thursday and I need everything to work by then.",
          "My colleague {who} thinks it has something to do with the new laptop image, but I'm not sure.",
          "I also noticed that the laptop fan is very loud since this started, maybe that's related, maybe not.",
          "I tried calling the hotline but the waiting time was 25 minutes so I'm writing this ticket instead."]
TERSE = ["see subject", "as per subject", "pls fix", "see title", "?", "urgent", "pls check asap"]
CONTACT = ["You can reach me at {phone}.", "Please call me on {mobile}, I'm not at my desk.", "Mobile: {mobile}", "Call me back please: {phone}",
           "Best to reach me at {email}.", "Please also inform my manager {email2}."]
GERMAN = {
    "failure": [("{s} funktioniert nicht mehr", "{s} funktioniert seit heute Morgen nicht mehr, ich bekomme nur eine Fehlermeldung."),
                ("Fehlermeldung in {s}", "Beim Öffnen von {s} erscheint eine Fehlermeldung und das Programm schließt sich."),
                ("{s} extrem langsam", "{s} ist seit gestern extrem langsam, ich kann kaum arbeiten."),
                ("{s} stürzt ständig ab", "{s} stürzt mehrmals am Tag ab. Bitte um Hilfe!")],
    "howto": [("Frage zu {s}", "Ich habe eine Frage zu {s}: wo finde ich die Einstellung dafür? Eine kurze Anleitung wäre super."),
              ("Wie funktioniert {s}?", "Ich bin neu im Unternehmen. Wie melde ich mich bei {s} an und wo finde ich eine Anleitung?")],
    "request": [("Berechtigung für {s}", "Bitte richten Sie mir Zugriff auf {s} ein. Mein Vorgesetzter {who} hat zugestimmt."),
                ("Zugriff auf {s} benötigt", "Ich benötige Zugang zu {s} für mein neues Projekt. Vielen Dank!")]}
GERMAN_SPECIFIC = {("Outlook", "crash"): ("Outlook startet nicht mehr", "Outlook startet nicht mehr, es bleibt beim Laden des Profils hängen."),
                   ("GlobalProtect VPN", "drops"): ("VPN Verbindung bricht ständig ab", "Die VPN Verbindung bricht ständig ab, alle paar Minuten muss ich mich neu verbinden."),
                   ("GlobalProtect VPN", "outage"): ("VPN geht nicht!!!", "Ich kann mich nicht mit dem VPN verbinden, Gateway antwortet nicht."),
                   ("SAP ERP", "guifreeze"): ("SAP GUI hängt seit dem Upgrade", "Seit dem Upgrade hängt SAP GUI ständig und ich verliere meine Eingaben.")}
GERMAN_GREET, GERMAN_CLOSE = ["Hallo,", "Hallo zusammen,", "Guten Morgen,", "Liebes IT-Team,"], ["Danke und Gruß", "Viele Grüße", "VG", "Mit freundlichen Grüßen"]
GERMAN_ANGRY = ["Das ist jetzt schon das dritte Mal diese Woche!", "Immer noch nicht behoben!!!", "Bitte dringend eskalieren!"]
MISSPELL = {"the": "teh", "receive": "recieve", "received": "recieved", "password": "pasword", "because": "becuase", "cannot": "cant",
            "doesn't": "doesnt", "please": "pls", "working": "wokring", "problem": "probelm", "again": "agian", "access": "acess",
            "colleague": "collegue", "which": "wich", "message": "mesage", "anything": "anythign"}
WEEKDAY_NAMES, MONTH_NAMES = "Mon Tues Wednes Thurs Fri Satur Sun".split(), "January February March April May June July August September October November December".split()
HOSTILE = [("Outlook", "<script>alert(1)</script>", "Hi,\nOutlook freezes every time I open a shared calendar.\nThanks"),
           ("SharePoint", '=HYPERLINK("http://x","y")', "The link to our SharePoint site in the team sheet is broken, it shows error 404."),
           ("Salesforce", "Salesforce dashboard shows broken image",
            "Hello,\nthe pipeline dashboard in Salesforce shows a broken image instead of the chart. The page source has <img src=x onerror=alert(2)> in it.\nRegards")]
COLUMNS = ["number", "opened_at", "resolved_at", "sys_updated_on", "short_description", "description", "cmdb_ci", "category", "subcategory", "priority", "impact",
           "urgency", "state", "caller_id", "assignment_group", "reopen_count", "reassignment_count", "close_notes"]


# ----------------------------------------------------------------------------- helpers
def pick(rng, seq, p=None):
    """Deterministic choice of one element (works for lists of tuples too)."""
    return seq[int(rng.choice(len(seq), p=None if p is None else np.asarray(p, float) / np.sum(p)))]


def ascii_name(s):
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i"), ("ł", "l"), ("'", ""), (" ", "")):
        s = s.replace(a, b)
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def fmt(d):
    return d.strftime("%Y-%m-%d %H:%M:%S") if d else ""


def build_callers(rng, n=405):
    """~400 people with department and contact data; Zipf-like weights, so a few callers file many tickets."""
    pairs = []
    while len(pairs) < n:
        name = (pick(rng, FIRST), pick(rng, LAST))
        pairs += [] if name in pairs else [name]
    callers = [dict(first=f, name=f"{f} {l}", dept=pick(rng, DEPTS), email=f"{ascii_name(f)}.{ascii_name(l)}@{MAIL_DOMAIN}",
                    phone=f"+49 89 {rng.integers(1000, 9999)} {rng.integers(1000, 9999)}" if rng.random() < 0.7 else f"+1 312 555 {rng.integers(1000, 9999)}",
                    mobile=f"+49 171 {rng.integers(1000000, 9999999)}") for f, l in pairs]
    weights = 1.0 / (np.arange(n) + 30.0)
    return callers, weights / weights.sum()


def types_for(system, day):
    """[(problem type, expected tickets per weekday)] for a system (None = no catalogued system) on a day."""
    if system == "SAP ERP":
        base, after = {t[0]: t for t in P["SAP ERP"]}, day > RELEASE_DAY
        fail, old_share = SAP_FAIL_RATE[after], (0.25 if after else 1.0)
        return ([(base["slow"], fail * 0.55 * old_share), (base["print"], fail * 0.45 * old_share)]
                + [(t, fail * t[3]) for t in SAP_POST if after] + [(base["howto"], SAP_OTHER_RATE / 2), (base["access"], SAP_OTHER_RATE / 2)])
    rate, total = (NO_SYSTEM_RATE if system is None else SYS[system][7]), sum(t[3] for t in P[system])
    return [(t, rate * t[3] / total) for t in P[system]]


def office_time(rng, day):
    if day.weekday() >= 5:
        hour = rng.uniform(8, 20)
    elif rng.random() < 0.08:
        hour = rng.uniform(0, 24)
    else:
        hour = min(max(rng.normal(9.5, 1.2) if rng.random() < 0.5 else rng.normal(14, 1.8), 6.5), 19.5)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=int(min(hour * 3600, 86399)))


def plan(rng):
    """Decide which tickets exist (system, problem type, opened_at), sorted and numbered."""
    tickets, day, dow = [], START, [1.12, 1.05, 1.0, 0.98, 0.85, 0.25, 0.25]
    while day <= END:
        f = dow[day.weekday()] * rng.lognormal(0, 0.1)      # busy / quiet days affect everyone
        for system in [s[0] for s in SYSTEMS] + [None]:
            for ptype, rate in types_for(system, day):
                tickets += [dict(system=system, ptype=ptype, opened=office_time(rng, day), outage=False) for _ in range(rng.poisson(rate * f))]
        if day in OUTAGE_TICKETS:     # day 1 from 07:30 on; day 2 the morning until the fix at OUTAGE_END
            first = day == OUTAGE_START.date()
            start = OUTAGE_START if first else dt.datetime.combine(day, dt.time(7, 0))
            cap = dt.datetime.combine(day, dt.time(18, 30)) if first else OUTAGE_END - dt.timedelta(minutes=5)
            tickets += [dict(system="GlobalProtect VPN", ptype=OUTAGE, outage=True, opened=min(cap, start + dt.timedelta(seconds=int(rng.gamma(1.5, 1.3) * 3600))))
                        for _ in range(OUTAGE_TICKETS[day])]
        day += dt.timedelta(days=1)
    tickets.sort(key=lambda t: t["opened"])
    for i, t in enumerate(tickets):
        t.update(number=f"INC{10001 + i:07d}", kind=t["ptype"][1], sap_post=t["ptype"] in SAP_POST)
    return tickets


def mention(rng, system, ci_empty):
    """How the caller names the system: official name, catalogue alias or a typo, sometimes lower/upper case."""
    forms = [[system], SYS[system][1].split(";"), SYS[system][9].split(";")]
    m, r = pick(rng, pick(rng, forms, [0.3, 0.45, 0.25] if ci_empty else [0.5, 0.42, 0.08])), rng.random()
    return m.lower() if r < 0.15 else (m.upper() if r < 0.18 else m)


def sloppy(rng, text, rate):
    """Inject common misspellings and swapped letters (slot placeholders are left intact)."""
    out = []
    for w in text.split(" "):
        core = w.strip(".,!?:;'()").lower()
        if "{" not in w and core in MISSPELL and rng.random() < rate:
            w = w.lower().replace(core, MISSPELL[core])
        elif "{" not in w and len(w) > 4 and w.isalpha() and rng.random() < rate * 0.08:
            i = int(rng.integers(1, len(w) - 2))
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        out.append(w)
    return " ".join(out)


class Slots(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill(text, ctx):
    return text.format_map(Slots(ctx))


def mail_header(rng, t, caller, title):
    if rng.random() < 0.5:
        return f"received from: {caller['email']}\n"
    sent = t["opened"] - dt.timedelta(minutes=int(rng.integers(1, 30)))
    when = (f"{WEEKDAY_NAMES[sent.weekday()]}day, {MONTH_NAMES[sent.month - 1]} {sent.day}, {sent.year} "
            f"{sent.hour % 12 or 12}:{sent.minute:02d} {'AM' if sent.hour < 12 else 'PM'}")
    return (f"From: {caller['name'].split(' ', 1)[1]}, {caller['first']} <{caller['email']}>\nSent: {when}\n"
            f"To: IT Service Desk <servicedesk@{MAIL_DOMAIN}>\nSubject: {title}\n")


def signature(rng, c):
    return pick(rng, [f"Best regards,\n{c['name']}\n{c['dept']} | {c['phone']}", f"Kind regards\n{c['first']}", f"Regards,\n{c['name']}",
                      f"Thanks,\n{c['first']}\n\n{c['name']} | {c['dept']}\nCorp Example GmbH | {c['phone']} | {c['email']}",
                      f"--\n{c['name']}\n{c['dept']}\nMobile {c['mobile']}"])


def to_html(rng, paras):
    html = [p.replace("\n", "<br>") for p in paras]
    html = [f"<b>{p}</b>" if i == 1 and rng.random() < 0.4 else p for i, p in enumerate(html)]
    return "\n".join(f"<p>{p}</p>" if rng.random() < 0.8 else f"<div>{p}&nbsp;</div>" for p in html)


def compose(rng, t, caller, ctx):
    """Title and body for one ticket, in the messy style of real tickets."""
    kind, titles, bodies = t["kind"], t["ptype"][4].split("|"), t["ptype"][5].split("|")
    if t["german"]:
        spec = GERMAN_SPECIFIC.get((t["system"], t["ptype"][0]))
        title, body = spec if spec and rng.random() < 0.6 else pick(rng, GERMAN[kind])
        paras = [pick(rng, GERMAN_GREET), fill(body, ctx)] + ([pick(rng, GERMAN_ANGRY)] if t["angry"] else [])
        return fill(title, ctx), "\n\n".join(paras + [pick(rng, GERMAN_CLOSE) + "\n" + caller["name"]])
    # a ticket without cmdb_ci must name its system somewhere: then only titles that do
    names = [n.lower() for n in [t["system"] or "-"] + (SYS[t["system"]][1].split(";") if t["system"] else [])]
    ok = [i for i, x in enumerate(titles) if not t["ci_empty"] or "{s}" in x or any(n in x.lower() for n in names)]
    k = int(pick(rng, ok or list(range(len(titles)))))        # title k belongs with body k % len(bodies)
    title = fill(sloppy(rng, titles[k], 0.3 if t["sloppy"] else 0), ctx)
    if t["angry"]:
        title = title.upper() if rng.random() < 0.3 else title + pick(rng, ["!!!", " again", " - STILL NOT FIXED", " (3rd time this week)", "!!", " AGAIN!!!"])
    elif rng.random() < 0.25:
        title = title.lower()
    order = [k % len(bodies)] + [j for j in rng.permutation(len(bodies)) if j != k % len(bodies)]
    sentences = [fill(sloppy(rng, bodies[j], 0.3 if t["sloppy"] else 0), ctx) for j in order]
    if t["outage"] and t["opened"].date() == OUTAGE_END.date():
        sentences.insert(0, fill("Same problem as yesterday, {s} is down again.", ctx))
    paras = [mail_header(rng, t, caller, title)] if t["header"] else []
    if t["style"] == "terse":
        r = rng.random()
        body = "" if r < 0.25 else (pick(rng, TERSE) if r < 0.5 else (title if r < 0.65 else sentences[0]))
        body += (" " + fill(pick(rng, FRUSTRATION), ctx)) if t["angry"] and body else ""
        return title, ("\n".join(paras) + "\n" + body).strip() if paras else body
    paras += [pick(rng, GREET)] if rng.random() < 0.65 else []
    ramble = t["style"] == "ramble"
    n = 1 + (rng.random() < (0.35 if kind == "failure" else 0.1)) + ramble * (1 + (rng.random() < 0.5 and kind == "failure"))
    extra = [fill(pick(rng, DETAILS_FAIL if kind == "failure" else DETAILS_ASK), ctx)] if rng.random() < (0.9 if ramble else 0.4) else []
    extra += [fill(x, ctx) for x in rng.choice(RAMBLE, size=int(rng.integers(1, 4)), replace=False)] if ramble else []
    problem = " ".join(sentences[:n])
    paras.append(" ".join([problem] + extra) if rng.random() < 0.6 else "\n".join([problem] + extra))
    if t["angry"]:
        paras.append(" ".join(fill(x, ctx) for x in rng.choice(FRUSTRATION, size=int(rng.integers(1, 3)), replace=False)))
    elif t["style"] == "polite" or rng.random() < 0.3:
        paras.append(pick(rng, POLITE))
    paras += [fill(pick(rng, URGENCY), ctx)] if kind == "failure" and rng.random() < 0.12 else []
    paras += [fill(pick(rng, CONTACT), ctx)] if rng.random() < 0.12 else []
    if t["signature"]:
        paras.append(signature(rng, caller))
    elif rng.random() < 0.6:
        paras.append(pick(rng, CLOSE) + ("\n" + caller["first"] if rng.random() < 0.6 else ""))
    paras += ["Sent from my iPhone"] if rng.random() < 0.05 else []
    return title, to_html(rng, paras) if t["html"] else "\n\n".join(p.strip("\n") for p in paras)


def priority_of(rng, t):
    """impact/urgency by kind; priority from the usual ServiceNow impact x urgency matrix."""
    if t["outage"]:
        impact, urgency = 1, (1 if rng.random() < 0.6 else 2)
    elif t["kind"] == "failure":
        impact = int(pick(rng, [1, 2, 3], [0.2, 0.65, 0.15] if t["sap_post"] else [0.08, 0.72, 0.2]))
        urgency = int(pick(rng, [1, 2, 3], [0.1, 0.7, 0.2]))
    else:
        impact, urgency = (3 if rng.random() < 0.6 else 2), (3 if rng.random() < 0.5 else 2)
    level = {1: "1 - High", 2: "2 - Medium", 3: "3 - Low"}
    return ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"][min(impact + urgency, 5) - 2], level[impact], level[urgency]


def lifecycle(rng, t):
    """reopen/reassignment counts, resolution, state, last update and assignment group."""
    system, kind, opened, calm = t["system"], t["kind"], t["opened"], t["system"] == "Confluence"
    p_reopen = 0 if calm else 0.3 if t["sap_post"] else (0.01 if kind == "howto" else 0.035) + (0.05 if t["angry"] else 0)
    reopen = int(pick(rng, [1, 2, 3], [0.6, 0.3, 0.1])) if rng.random() < p_reopen else 0
    reassign = 0 if calm else int(pick(rng, [0, 1, 2, 3, 4], [0.2, 0.3, 0.25, 0.15, 0.1] if t["sap_post"] else
                                       [0.85, 0.13, 0.02, 0, 0] if kind == "howto" else [0.72, 0.2, 0.06, 0.02, 0]))
    age = (AS_OF - opened).total_seconds() / 86400
    if t["outage"]:    # mass-resolved after the fix, a few left open
        resolved = OUTAGE_END + dt.timedelta(minutes=int(rng.integers(5, 240))) if rng.random() < 0.8 else None
    else:
        med = 3 if calm else (70 if t["sap_post"] else {"failure": 20, "howto": 6, "request": 28}[kind])
        dur = dt.timedelta(hours=max(0.1, rng.lognormal(math.log(med * (2 if reopen else 1)), 0.6 if calm else 1.1)))
        p_open = 0.95 - 0.06 * age if age < 5 else (0.08 if age < 9 else (0 if calm else 0.012))
        resolved = None if rng.random() < p_open else opened + dur
        if resolved and resolved > AS_OF:
            resolved = opened + (AS_OF - opened) * float(rng.uniform(0.3, 0.95))
    if resolved:       # auto-close 7 days after resolution
        resolved = resolved.replace(microsecond=0)
        closed = resolved + dt.timedelta(days=7) <= AS_OF
        state = "Closed" if closed else "Resolved"
        updated = min(AS_OF, resolved + dt.timedelta(days=7, minutes=int(rng.integers(0, 60)))) if closed else resolved
    elif age < 1 and reassign == 0 and reopen == 0 and rng.random() < 0.5:
        state, updated = "New", opened
    else:
        state = "In Progress" if rng.random() < 0.75 else "On Hold"
        updated = (opened + (AS_OF - opened) * float(rng.uniform(0.05, 1))).replace(microsecond=0)
    owner = SYS[system][3] if system else "Desktop Support"
    if reassign > 0:
        group = owner if rng.random() < 0.9 else pick(rng, ["Service Desk", "Application Support", "Desktop Support"])
    else:
        group = "Service Desk" if state == "New" or (kind == "howto" and rng.random() < 0.7) or rng.random() < 0.3 else owner
    return dict(reopen=reopen, reassign=reassign, resolved=resolved, state=state, updated=updated, group=group)


def build_rows(rng, tickets, callers, cweights):
    """Fill in caller, text, classification and lifecycle of every ticket; plant the hostile texts."""
    for i, t in enumerate(tickets):
        system, aff = t["system"], AFFINITY.get(t["system"])
        idx = [j for j, c in enumerate(callers) if c["dept"] in aff] if aff and rng.random() < 0.8 else list(range(len(callers)))
        caller, other = callers[pick(rng, idx, cweights[idx])], callers[int(rng.integers(len(callers)))]
        sap, t["caller"] = t["sap_post"], caller["name"]
        t["ci_empty"] = system is None or rng.random() < 0.25
        t["german"] = system is not None and rng.random() < 0.03
        t["angry"] = system != "Confluence" and rng.random() < (0.5 if sap else 0.45 if t["outage"] else 0.13 if t["kind"] == "failure" else 0.04)
        t["style"] = "polite" if system == "Confluence" else pick(rng, ["terse", "normal", "ramble"], [0.22, 0.58, 0.2])
        t["sloppy"] = rng.random() < (0.5 if t["angry"] else 0.25)
        t["header"], t["signature"], t["html"] = rng.random() < 0.15, rng.random() < 0.35, rng.random() < 0.07
        ctx = dict(when=pick(rng, WHEN), who=other["name"], dept=caller["dept"], proj=pick(rng, PROJECTS), file=pick(rng, FILES),
                   mbx=f"{pick(rng, MAILBOXES)}@{MAIL_DOMAIN}", cc=f"CC-{rng.integers(4000, 4999)}", po=f"45000{rng.integers(10000, 99999)}",
                   extmail=f"{ascii_name(pick(rng, FIRST))}@partner-example.net", dump=pick(rng, DUMPS), hour=f"{rng.integers(9, 17)}:00",
                   prev=f"INC{max(10001, 10001 + i - int(rng.integers(30, 900))):07d}", phone=caller["phone"], mobile=caller["mobile"],
                   email=caller["email"], email2=other["email"], s=mention(rng, system, t["ci_empty"]) if system else "it")
        t["title"], t["body"] = compose(rng, t, caller, ctx)
        t["category"] = CATEGORY[t["ptype"][2]] if rng.random() > 0.07 else pick(rng, list(CATEGORY.values()))   # 7% miscategorised
        t["subcategory"] = SUBCAT_NOSYS[t["ptype"][0]] if system is None else SYS[system][8]
        t["priority"], t["impact"], t["urgency"] = priority_of(rng, t)
        t.update(lifecycle(rng, t))


def plant_hostile(rng, tickets):
    """Overwrite the text of three closed failure tickets that have a cmdb_ci."""
    for system, title, body in HOSTILE:
        cand = [t for t in tickets if t["system"] == system and t["kind"] == "failure" and t["state"] == "Closed" and not t["ci_empty"]]
        cand[int(rng.integers(len(cand)))].update(title=title, body=body, hostile=True)


def row_of(t, **over):
    return dict(dict(number=t["number"], opened_at=fmt(t["opened"]), resolved_at=fmt(t["resolved"]), sys_updated_on=fmt(t["updated"]),
                     short_description=t["title"], description=t["body"], cmdb_ci="" if t["ci_empty"] else t["system"], category=t["category"],
                     subcategory=t["subcategory"], priority=t["priority"], impact=t["impact"], urgency=t["urgency"], state=t["state"],
                     caller_id=t["caller"], assignment_group=t["group"], reopen_count=t["reopen"], reassignment_count=t["reassign"],
                     close_notes=t.get("close_notes", "") if t["resolved"] else ""), **over)


def with_duplicates(rng, tickets, extra=()):
    """Main export (one row per ticket) + a later re-export tail: exact duplicate rows and stale/updated versions."""
    done = [i for i, t in enumerate(tickets) if t["state"] in ("Resolved", "Closed") and not t.get("hostile")]
    reexp = sorted(int(i) for i in rng.choice(done, size=N_REEXPORT, replace=False))
    dups = set(int(i) for i in rng.choice(sorted(set(range(len(tickets))) - set(reexp)), size=N_EXACT_DUPS, replace=False))
    for j, i in enumerate(reexp):   # stale version: earlier update, earlier state (never the latest)
        t = tickets[i]
        if t["state"] == "Closed" and rng.random() < 0.3:
            stale = row_of(t, state="Resolved", sys_updated_on=fmt(t["resolved"]))
        else:
            upd = (t["opened"] + (t["resolved"] - t["opened"]) * float(rng.uniform(0.1, 0.9))).replace(microsecond=0)
            stale = row_of(t, state=pick(rng, ["In Progress", "On Hold"], [0.75, 0.25]), resolved_at="", sys_updated_on=fmt(upd), close_notes="")
        t["stale"], t["stale_first"] = stale, j % 2 == 0   # half: stale row in the main body, updated row in the tail; half reversed
    main, tail = [], []
    for i, t in enumerate(tickets):
        if "stale" in t:
            main.append(t["stale"] if t["stale_first"] else row_of(t))
            tail.append(row_of(t) if t["stale_first"] else t["stale"])
        else:
            main.append(row_of(t))
            if i in dups:    # 60% right after the original, 40% in the tail
                (main if rng.random() < 0.6 else tail).append(row_of(t))
    return main + [row_of(t) for t in extra] + sorted(tail, key=lambda r: r["number"])


def report(tickets, rows):
    """Print the planted-truth figures (copied into PLANTED.md)."""
    def n_weekdays(a, b):
        return sum((a + dt.timedelta(days=k)).weekday() < 5 for k in range((b - a).days + 1))

    def share(ts, cond):
        return f"{sum(map(cond, ts))} ({sum(map(cond, ts)) / len(ts):.1%})"

    def of(name, cond=lambda t: True):
        return [t for t in tickets if t["system"] == name and cond(t)]
    out = [f"rows written: {len(rows)}  distinct tickets: {len(tickets)}  exact duplicate rows: {N_EXACT_DUPS}  "
           f"re-export rows (same number, later sys_updated_on, other state): {N_REEXPORT}",
           "tickets per system: total / cmdb_ci set / text-only | failure / how-to / request"]
    for name in [s[0] for s in SYSTEMS] + [None]:
        ts = of(name)
        k = [sum(t["kind"] == x for t in ts) for x in ("failure", "howto", "request")]
        out.append(f"  {name or '(no catalogued system)':22s} {len(ts):4d} / {sum(not t['ci_empty'] for t in ts):4d} / {sum(t['ci_empty'] for t in ts):4d}"
                   f" | {k[0]:4d} / {k[1]:4d} / {k[2]:4d}")
    recent = [t for t in tickets if t["opened"].date() > END - dt.timedelta(days=5)]
    out.append(f"empty cmdb_ci: {share(tickets, lambda t: t['ci_empty'])}; German tickets: {sum(t['german'] for t in tickets)};"
               f" still open: opened in the last 5 days {share(recent, lambda t: not t['resolved'])}, older {share([t for t in tickets if t not in recent], lambda t: not t['resolved'])}")
    for label, after in (("before (06-01..09-14)", False), ("after  (09-15..10-31)", True)):
        ts = of("SAP ERP", lambda t: (t["opened"].date() > RELEASE_DAY) == after)
        fails = [t for t in ts if t["kind"] == "failure"]
        wd = n_weekdays(RELEASE_DAY + dt.timedelta(days=1), END) if after else n_weekdays(START, RELEASE_DAY)
        f_wd = sum(t["opened"].weekday() < 5 for t in fails)
        out.append(f"SAP ERP {label}: failures {len(fails)}, on weekdays {f_wd} / {wd} weekdays = {f_wd / wd:.2f}/weekday; all tickets {len(ts)},"
                   f" reopened {share(ts, lambda t: t['reopen'] > 0)}, mean reassignments {np.mean([t['reassign'] for t in ts]):.2f},"
                   f" frustrated {share(ts, lambda t: t['angry'])}")
    out.append("  post-release problem types: " + ", ".join(f"{p[0]}={len(of('SAP ERP', lambda t: t['ptype'] is p))}" for p in SAP_POST))
    cut, fails = END - dt.timedelta(days=55), {}
    for t in tickets:
        if t["kind"] == "failure" and t["opened"].date() >= cut:
            fails[t["system"] or "(none)"] = fails.get(t["system"] or "(none)", 0) + 1
    out.append(f"failure tickets {cut}..{END} (last 8 weeks), top 5: " + ", ".join(f"{k} {v}" for k, v in sorted(fails.items(), key=lambda kv: -kv[1])[:5]))
    for d in OUTAGE_TICKETS:
        out.append(f"GlobalProtect VPN tickets opened {d}: {len(of('GlobalProtect VPN', lambda t: t['opened'].date() == d))}"
                   f" (outage tickets {len(of('GlobalProtect VPN', lambda t: t['opened'].date() == d and t['outage']))})")
    first = min(OUTAGE_TICKETS)
    before = of("GlobalProtect VPN", lambda t: t["opened"].date() < first)
    out.append(f"  VPN baseline {START}..{first - dt.timedelta(days=1)}: {len(before)} tickets = {len(before) / (first - START).days:.2f}/day,"
               f" {sum(t['opened'].weekday() < 5 for t in before) / n_weekdays(START, first - dt.timedelta(days=1)):.2f}/weekday")
    con, cf = of("SAP Concur"), of("Confluence")
    out.append(f"SAP Concur: {len(con)} tickets ({sum(t['opened'].weekday() < 5 for t in con) / n_weekdays(START, END):.2f}/weekday),"
               f" how-to {share(con, lambda t: t['kind'] == 'howto')}, failures {share(con, lambda t: t['kind'] == 'failure')}")
    hrs = [(t["resolved"] - t["opened"]).total_seconds() / 3600 for t in cf if t["resolved"]]
    out.append(f"Confluence: {len(cf)} tickets ({sum(t['opened'].weekday() < 5 for t in cf) / n_weekdays(START, END):.2f}/weekday),"
               f" failures {sum(t['kind'] == 'failure' for t in cf)}, reopens {sum(t['reopen'] for t in cf)}, reassignments {sum(t['reassign'] for t in cf)},"
               f" frustrated {sum(t['angry'] for t in cf)}, median resolution {np.median(hrs):.1f} h, max {max(hrs):.1f} h, still open {len(cf) - len(hrs)}")
    out.append("hostile tickets: " + ", ".join(f"{t['number']} ({t['system']}: {t['title']!r})" for t in tickets if t.get("hostile")))
    print("\n".join(out))


def main():
    rng = np.random.default_rng(SEED)
    callers, cweights = build_callers(rng)
    tickets = plan(rng)
    build_rows(rng, tickets, callers, cweights)
    plant_hostile(rng, tickets)
    # Knowledge truths (issue 15) draw from their own generator, so everything above is unchanged.
    krng = np.random.default_rng(KNOWLEDGE_SEED)
    extra = knowledge.extra_tickets(krng, office_time)
    build_rows(krng, extra, callers, cweights)
    knowledge.add_close_notes(krng, tickets + extra, callers)
    rows = with_duplicates(rng, tickets, extra)
    with open(OUT / "servicenow_incidents.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(OUT / "systems.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "aliases", "vendor", "owner_team", "lifecycle", "user_count", "criticality"])
        w.writerows(s[:7] for s in SYSTEMS)
    knowledge.write_kb(OUT / "kb_knowledge.csv")
    knowledge.write_labels(OUT / "knowledge_labels.csv", tickets + extra)
    report(tickets + extra, rows)
    knowledge.report(tickets, extra)


if __name__ == "__main__":
    main()
