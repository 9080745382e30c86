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
import re
import unicodedata

import numpy as np

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
OUT = pathlib.Path(__file__).resolve().parent
MAIL_DOMAIN = "corp-example.com"

# ----------------------------------------------------------------------------- catalogue
# name, aliases, vendor, owner_team, lifecycle, user_count, criticality, tickets/weekday, subcategory, typos
SYSTEMS = [
    ("Outlook", "MS Outlook;Outlook 365;Exchange mail;outlook web", "Microsoft", "Messaging & Collaboration", "active", 4800, "high", 3.5, "Email", "outlok;outlock;Outloook"),
    ("GlobalProtect VPN", "VPN;GlobalProtect;GP client", "Palo Alto Networks", "Network Operations", "active", 3500, "high", 3.0, "VPN", "teh vpn;vpn;global protect;globalprotec;VNP"),
    ("SAP ERP", "SAP;SAP GUI;S/4;S4HANA;SAP S/4HANA", "SAP", "ERP Support", "active", 1200, "high", 0.0, "ERP", "sap gui;sapgui;SAP GIU;S4 hana"),
    ("SAP Concur", "Concur;Concur Expense;expense tool", "SAP", "Finance Applications", "active", 2600, "medium", 3.0, "Expenses", "concure;Conccur;concur app"),
    ("Confluence", "wiki;Confluence wiki;Atlassian wiki", "Atlassian", "Collaboration Tools", "active", 3000, "medium", 0.3, "Collaboration", "confluance;confluece"),
    ("Microsoft Teams", "Teams;MS Teams;Teams meetings", "Microsoft", "Messaging & Collaboration", "active", 5000, "high", 2.5, "Collaboration", "teamz;Micrsoft Teams;ms teams"),
    ("SharePoint", "SharePoint Online;SPO;intranet", "Microsoft", "Collaboration Tools", "active", 4200, "medium", 1.6, "Collaboration", "sharepont;share point;Sharepoint online"),
    ("Salesforce", "SFDC;Sales Cloud;salesforce.com", "Salesforce", "CRM Support", "active", 650, "high", 1.6, "CRM", "salesfroce;sales force;SF"),
    ("Workday", "Workday HCM;WD", "Workday", "HR Systems", "active", 4600, "medium", 1.2, "HR", "work day;wrokday;workday app"),
    ("Citrix Workspace", "Citrix;Citrix Receiver;virtual desktop", "Citrix", "End User Computing", "active", 900, "medium", 1.5, "Remote Access", "citrx;citrix reciever;citrix app"),
    ("Okta SSO", "Okta;Okta Verify;SSO;MFA", "Okta", "Identity & Access", "active", 5000, "high", 2.0, "Authentication", "okat;okta verify app;single sign on"),
    ("PaperCut Printing", "PaperCut;follow-me printing;print release", "PaperCut Software", "End User Computing", "active", 3800, "low", 1.5, "Printing", "paper cut;papercut;follow me print"),
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
  ("crash", "failure", "S", 3, "{s} keeps crashing|{s} crashes when opening attachments|{s} not responding|{s} closes by itself|{s} down|{s} freezes all the time",
   "{s} crashes every time I open a PDF attachment.|{s} freezes for a minute and then just closes, {when}.|When I start {s} I get 'Microsoft Outlook has stopped working' and it closes.|{s} is not responding, I have to kill it in Task Manager several times a day."),
  ("sync", "failure", "S", 3, "emails not arriving in {s}|{s} not syncing|{s} stuck on updating inbox|no new mails in {s}|{s} shows disconnected",
   "I have not received any emails in {s} {when}, but colleagues say they sent me something.|{s} shows 'Disconnected' in the status bar and nothing comes in.|The inbox in {s} is not updating, on my phone I can see the new mails though.|Sent items stay in the outbox in {s} and are never sent."),
  ("quota", "failure", "S", 1.5, "mailbox full|{s} says mailbox is full|cannot send emails, {s} mailbox quota|{s} storage limit reached",
   "{s} tells me my mailbox is full and I cannot send anymore.|I get a warning in {s} that I have exceeded my mailbox size limit.|Can you increase my mailbox? {s} says I am over the limit and mails bounce."),
  ("shared", "request", "A", 1.5, "please add me to shared mailbox {mbx}|access to shared mailbox in {s}|need send-as rights for {mbx}|shared mailbox {mbx} not visible in {s}",
   "Could you please give me access to the shared mailbox {mbx} in {s}? My manager approved it.|I need full access and send-as rights for {mbx}, I am taking over from a colleague.|The shared mailbox {mbx} does not show up in {s}, please add it to my profile."),
  ("ooo", "howto", "I", 1.5, "how do I set up out of office in {s}|out of office in {s}?|automatic reply {s} how to|where is the out of office setting in {s}",
   "How do I set an automatic out of office reply in {s}? I am on vacation from next week.|I cannot find the out of office option in the new {s}, where did it go?|Can someone explain how to set different out of office messages for internal and external in {s}?"),
  ("calendar", "howto", "I", 1, "how to share my calendar in {s}|{s} calendar permissions for my assistant|how can my colleague see my calendar in {s}",
   "Can you explain how I share my calendar with my assistant in {s} so she can book meetings for me?|My colleague {who} should see the details of my appointments in {s}, how do I set that?|How can I open a colleague's calendar in {s}?")],
 "GlobalProtect VPN": [
  ("connect", "failure", "N", 3, "{s} cannot connect|cannot connect to {s}|{s} not connecting from home|{s} stuck on connecting|{s} error: portal not reachable",
   "{s} stays on 'Connecting...' forever and then fails.|I cannot connect to {s} from my home office {when}.|{s} says 'Unable to establish connection to portal'.|When I click connect in {s} nothing happens."),
  ("drops", "failure", "N", 3, "{s} keeps disconnecting|{s} drops every few minutes|{s} connection unstable|{s} disconnects during calls",
   "{s} disconnects every 10 minutes and I lose my call.|The {s} connection drops constantly {when}, I have to reconnect all the time.|The connection via {s} is very unstable, it disconnects as soon as I open large files."),
  ("slow", "failure", "N", 1.5, "{s} very slow|slow network over {s}|{s} extremely slow today",
   "Everything is extremely slow when I am on {s}, opening a network drive takes minutes.|{s} has been so slow {when} that I cannot work from home."),
  ("install", "howto", "I", 1.5, "how do I install {s} on my new laptop|{s} setup on private PC?|which portal address for {s}|how to use {s} abroad",
   "I got a new laptop, how do I install {s} and which portal address do I need to enter?|Can I use {s} on my private computer? If yes, how do I set it up?|I am travelling to our office in Singapore next week, will {s} work there and what do I have to do?"),
  ("access", "request", "A", 1, "please enable {s} access|{s} access for new employee|need remote access via {s}",
   "Please enable {s} access for me, I will be working from home two days a week.|Our new colleague {who} starts on Monday and needs {s} access.|Could you please add me to the {s} remote access group? Approved by my manager.")],
 "SAP ERP": [
  ("slow", "failure", "S", 1, "{s} extremely slow|{s} report takes forever|timeout in {s}|{s} very slow",
   "Running the open items report in {s} takes more than 20 minutes {when}.|{s} is extremely slow, every transaction takes ages to open.|I get a timeout in {s} when I run the stock overview for all plants."),
  ("print", "failure", "S", 0.8, "cannot print from {s}|{s} spool not printing|{s} print preview empty|delivery notes from {s} not printing",
   "Delivery notes from {s} are not printed, the spool request stays in status 'waiting'.|When I print an invoice from {s} the print preview is empty.|Nothing comes out of the printer when I print from {s}."),
  ("howto", "howto", "I", 1, "how do I find open purchase orders in {s}|which transaction for vendor list in {s}|how to run cost center report in {s}|where can I find goods receipts in {s}",
   "How do I get a list of all open purchase orders for my plant in {s}?|Which transaction do I use in {s} to display the vendor master data?|Where can I find the goods receipts for PO {po} in {s}?"),
  ("access", "request", "A", 1, "please grant access to {s} role|need {s} authorization for company code|missing authorization in {s} (SU53)|{s} user for new colleague",
   "I get 'No authorization for transaction' in {s}, SU53 screenshot attached. Please grant the role.|Please grant me {s} authorization for company code 1000, approved by {who}.|New colleague {who} needs a {s} user with the purchasing role.")],
 "SAP Concur": [
  ("submit", "howto", "I", 0.25, "how do I submit an expense report|how to submit expenses in {s}|{s} expense report submission?|first time using {s} - how to submit",
   "How do I submit an expense report in {s}? This is my first business trip.|I created an expense report in {s} but I don't see a submit button, what am I missing?|Can someone walk me through submitting my travel expenses in {s}?"),
  ("receipts", "howto", "I", 0.2, "where do I attach receipts|how to attach receipts in {s}|{s} receipt upload from phone?|lost receipt - what to do in {s}",
   "Where do I attach the receipts in {s}? I only see the amount fields.|How can I upload receipts from my phone to {s}?|I lost a taxi receipt, how do I submit it in {s} without the receipt?"),
  ("costcenter", "howto", "I", 0.15, "which cost center do I use in {s}|which cost center for trade fair expenses|{s} asks for cost center - which one?",
   "Which cost center should I use in {s} for the trade fair in Frankfurt? I am in {dept}.|{s} asks me for a cost center and I am not sure which one applies to our project.|Is it {cc} or the department cost center for training expenses in {s}?"),
  ("delegate", "howto", "I", 0.1, "how to delegate approvals in {s}|{s} approval delegate during vacation|can my assistant submit expenses for me in {s}",
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
  ("perm", "request", "A", 0.35, "{s} permissions for {proj} space|please grant edit rights in {s}|access to {s} space {proj}",
   "Could you please give me edit permissions for the {proj} space in {s}? Thank you.|I would need read access to the {proj} space in {s}, my manager {who} has approved it. Thanks a lot!|Please add {who} to the editors of our {s} space. Thank you!"),
  ("restore", "howto", "I", 0.15, "how to restore an older page version in {s}|{s} page history question|how do I move a page in {s}",
   "Is there a way to restore an older version of a page in {s}? I accidentally overwrote a table. Thanks!|Could you tell me how to move a page with its children to another space in {s}? Thank you."),
  ("slow", "failure", "S", 0.05, "{s} page loads slowly|{s} attachment preview not working",
   "One page in {s} with many attachments loads quite slowly. Not urgent, just wanted to let you know.|The preview of attachments in {s} does not show for me. No rush, thank you.")],
 "Microsoft Teams": [
  ("audio", "failure", "S", 3, "{s} microphone not working|nobody can hear me in {s}|{s} audio issues in meetings|headset not recognized in {s}",
   "In {s} meetings nobody can hear me although the microphone works in Windows.|{s} does not recognize my headset {when}.|Audio in {s} calls is choppy and people say I sound like a robot."),
  ("join", "failure", "S", 2, "cannot join {s} meeting|{s} meeting link not working|{s} stuck on loading|{s} screen sharing not working",
   "When I click the meeting link, {s} just shows the loading circle forever.|I cannot share my screen in {s}, the button is greyed out.|{s} crashes when I try to join a meeting with more than 50 people."),
  ("chat", "failure", "S", 1.5, "{s} messages not sending|{s} chat not loading|{s} notifications not working",
   "My messages in {s} stay with a red exclamation mark and are not sent.|The chat history in {s} does not load, I only see a blank window.|I don't get any notifications from {s} anymore, I miss messages."),
  ("channel", "howto", "I", 1.5, "how do I create a team in {s}|how to add a channel in {s}|{s} private channel question",
   "How can I create a new team in {s} for our department?|I would like to add a private channel in {s}, but the option is missing. How does it work?|How do I add an external partner to a chat in {s}?"),
  ("guest", "request", "A", 1, "guest access for external partner in {s}|please allow external user in {s}|{s} guest account for supplier",
   "Please enable guest access in {s} for our partner {extmail}.|We need to invite an external consultant to our team in {s}, can you allow this?")],
 "SharePoint": [
  ("access", "request", "A", 3, "access denied on {s} site|need access to {s} site {proj}|{s} permission request",
   "I get 'Access denied' when opening the {proj} site on {s}. Please grant me access.|Can you give me edit rights on the {dept} site in {s}? My manager approved.|I need access to a document library on {s}, the link from my colleague {who} does not work."),
  ("error", "failure", "S", 2, "{s} error 500|{s} page not loading|{s} site very slow|cannot open documents from {s}",
   "The {dept} site on {s} shows 'Sorry, something went wrong' (error 500).|Opening Excel files from {s} takes forever and then fails.|{s} is extremely slow {when}."),
  ("sync", "failure", "S", 1.5, "{s} library not syncing|sync error with {s} files|files from {s} show red cross",
   "The synced {s} library on my laptop shows red crosses on all files.|Changes I make to {file} are not synced back to {s}."),
  ("version", "howto", "I", 1.5, "how to restore previous version in {s}|how do I share a {s} folder externally|where is the recycle bin in {s}",
   "I overwrote {file} on {s}, how do I restore the previous version?|How can I share a folder on {s} with an external customer?|Where is the recycle bin on {s}? I deleted a folder by mistake.")],
 "Salesforce": [
  ("login", "failure", "S", 2, "cannot log in to {s}|{s} login loop|{s} SAML error|{s} keeps logging me out",
   "When I open {s} I end up in a login loop and never get to the home page.|{s} shows a SAML error when I try to log in.|{s} logs me out every few minutes {when}."),
  ("report", "failure", "S", 2, "{s} report not loading|{s} dashboard shows error|{s} very slow|opportunity not saving in {s}",
   "My pipeline dashboard in {s} shows 'An error occurred' instead of charts.|Saving an opportunity in {s} takes ages and then times out.|Reports in {s} are not loading {when}."),
  ("howto", "howto", "I", 1.5, "how do I create a report in {s}|how to transfer accounts in {s}|how to log calls in {s}",
   "How can I create a report of all my open opportunities in {s}?|My colleague left, how do I transfer his accounts to me in {s}?|Where do I log customer calls in {s}?"),
  ("license", "request", "A", 1, "{s} license for new sales rep|please grant {s} access|need {s} permission set",
   "Our new sales rep {who} needs a {s} license starting Monday.|Please give me access to the quotes module in {s}.")],
 "Workday": [
  ("timeoff", "howto", "I", 2, "how do I request vacation in {s}|how to cancel time off in {s}|{s} time off balance wrong?",
   "How do I request vacation days in {s}? I can't find it on the home page.|I need to cancel a time off request in {s} that was already approved, how?|My vacation balance in {s} looks wrong, how is it calculated?"),
  ("payslip", "howto", "I", 1.5, "where can I find my payslip in {s}|{s} tax documents|how to change bank details in {s}",
   "Where can I find my payslips in {s}?|How do I update my bank account details in {s}?|I need my annual tax statement, where is it in {s}?"),
  ("error", "failure", "S", 1.5, "{s} error when submitting|{s} not loading|cannot submit timesheet in {s}",
   "I get an error when submitting my timesheet in {s}: 'Unable to process request'.|{s} does not load, just a spinning wheel {when}."),
  ("access", "request", "A", 0.8, "need manager role in {s}|cannot see my team in {s}|{s} access for HR partner",
   "I was promoted to team lead but I cannot see my team in {s}, please assign the manager role.|Please give {who} access to the recruiting module in {s}.")],
 "Citrix Workspace": [
  ("launch", "failure", "S", 3, "cannot launch app in {s}|{s} app does not start|{s} error: cannot start app|{s} desktop not available",
   "When I click on the application in {s} nothing happens.|{s} shows 'Cannot start app. Contact your help desk.'|My published desktop in {s} is not available {when}."),
  ("disconnect", "failure", "S", 2, "{s} session disconnects|{s} session freezes|{s} very slow",
   "My {s} session freezes every half hour and I have to reconnect.|{s} is extremely slow, typing has a delay of several seconds."),
  ("install", "howto", "I", 1, "how to install {s} on home PC|{s} on Mac?|which {s} version do I need",
   "How do I install {s} on my home computer?|Does {s} work on a Mac and where do I download it?"),
  ("app", "request", "A", 0.8, "please publish application in {s}|need additional app in {s}",
   "Please add the treasury application to my {s}. Approved by {who}.|I need access to the legacy reporting tool in {s}.")],
 "Okta SSO": [
  ("push", "failure", "S", 2.5, "{s} push notification not arriving|{s} not working|{s} not showing prompt|cannot log in - {s} code invalid",
   "I don't get the push notification from {s} on my phone, so I cannot log in anywhere.|The code from {s} is always rejected as invalid.|{s} keeps asking me to verify again and again {when}."),
  ("locked", "request", "A", 2.5, "account locked|{s} account locked out|locked out of {s}|please unlock my {s} account",
   "I entered the wrong password too often and now my {s} account is locked.|Please unlock my account, {s} says 'Your account is locked'."),
  ("newphone", "howto", "I", 2, "new phone - how to set up {s}|how do I move {s} to my new phone|{s} on new iPhone",
   "I got a new phone, how do I move {s} to it? The old one is already reset.|How do I set up {s} on my new phone?"),
  ("reset", "howto", "I", 1.5, "how do I reset my password in {s}|password expired {s}|where to change password {s}",
   "My password expired, how do I reset it via {s}?|Where can I change my password in {s}?")],
 "PaperCut Printing": [
  ("stuck", "failure", "H", 3, "print job stuck in {s}|cannot release print job via {s}|{s} queue not printing|printer on 3rd floor not printing via {s}",
   "My print jobs show in {s} but are never released at the printer.|The printer on the 3rd floor does not print anything from {s} {when}.|Print jobs disappear from {s} before I reach the printer."),
  ("badge", "failure", "H", 2, "badge not recognized by {s}|{s} card reader not working|{s} does not know my badge",
   "When I hold my badge to the card reader, {s} says 'Card unknown'.|I got a new badge and {s} does not recognize it."),
  ("scan", "howto", "I", 1.5, "how do I scan to email with {s}|scan to folder {s}|how to print double sided {s}",
   "How do I scan a document to my email on the printers with {s}?|How can I set duplex as default for {s}?"),
  ("quota", "request", "A", 0.7, "{s} color printing quota|please enable color printing in {s}",
   "Please enable color printing for me in {s}, I need it for marketing material.|My {s} quota is used up, can you increase it?")],
 "Jira": [
  ("project", "request", "A", 2, "new {s} project for {proj}|please create {s} board|{s} project request",
   "Could you please create a new {s} project for {proj} with a Scrum board?|We need a {s} board for the {dept} team."),
  ("perm", "request", "A", 2, "no permission to view {s} issue|{s} access to project {proj}|{s} access request",
   "I get 'You do not have permission to view this issue' in {s} for project {proj}.|Please add me to the {proj} project in {s}."),
  ("howto", "howto", "I", 1.5, "how to create a filter in {s}|{s} bulk edit question|how do I change workflow in {s}",
   "How can I create a filter in {s} that shows all open bugs assigned to my team?|How do I bulk-edit issues in {s}?"),
  ("error", "failure", "S", 1, "{s} error 500|{s} very slow|{s} board not loading",
   "{s} shows error 500 when I open our board.|{s} is very slow {when}, every click takes 10 seconds.")],
 "Zoom": [
  ("audio", "failure", "S", 2, "{s} no audio|{s} crashes on start|{s} screen share black",
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
  ("popup", "failure", "S", 1, "{s} still starts automatically|{s} sign-in error", "{s} still pops up when I start my laptop and shows a sign-in error.|Why does {s} still start? I thought it was removed."),
  ("howto", "howto", "I", 1, "can I still use {s}?", "A customer sent me a {s} meeting invite, can I still join it?")],
 None: [  # no catalogued system; category Hardware, subcategory given in SUBCAT_NOSYS
  ("monitor", "failure", "H", 2, "my monitor flickers|screen flickering|second monitor flickers and goes black",
   "My monitor flickers every few seconds, especially when I move a window.|The external screen goes black for a second and comes back, very annoying."),
  ("mouse", "request", "H", 1.5, "need a new mouse|mouse broken|wireless mouse not working",
   "Could I please get a new mouse? The scroll wheel of mine is broken.|My wireless mouse stopped working, new batteries did not help."),
  ("battery", "failure", "H", 1, "laptop battery swollen|battery bulging|laptop battery drains very fast",
   "The battery of my laptop is swollen, the touchpad is pushed up. Is this dangerous?|My laptop only lasts 40 minutes on battery."),
  ("keyboard", "failure", "H", 1, "keyboard keys not working|some keys stuck|laptop keyboard broken",
   "The E and R keys on my laptop keyboard don't work anymore.|I spilled coffee over the keyboard and now some keys are stuck."),
  ("dock", "failure", "H", 1.5, "docking station not working|no display via docking station|dock not recognized",
   "When I connect my laptop to the docking station, the monitors stay black.|The docking station is not detected, USB devices don't work either."),
  ("headset", "request", "H", 1, "need a new headset|headset broken|request for headset",
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
               "Please escalate, I cannot work like this!", "WHY DOES THIS KEEP HAPPENING???", "How long is this going to take???",
               "It happened again. Seriously.", "I am losing hours every day because of this.", "still not fixed, reopening"]
URGENCY = ["I have a deadline today, please hurry.", "Customer meeting at {hour}, need this fixed asap.", "Month-end closing is this week, this is urgent!",
           "Urgent please!", "My manager is waiting for this."]
DETAILS_FAIL = ["I already restarted my laptop, didn't help.", "A colleague next to me has the same problem.", "It worked fine yesterday.",
                "I cleared the cache as suggested in the FAQ, no change.", "Screenshot attached.", "I am working from home today.",
                "It happens on my laptop and on the office PC.", "Not sure if it's related, but there was a Windows update yesterday.",
                "Reinstalling did not help either.", "It started right after I came back from lunch."]
DETAILS_ASK = ["I searched the FAQ but couldn't find anything.", "My colleague {who} said I should ask you.", "I'm new in the company, sorry if this is a stupid question.",
               "A short guide would be great.", "Is there any documentation for this?"]
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
COLUMNS = ["number", "opened_at", "resolved_at", "sys_updated_on", "short_description", "description", "cmdb_ci", "category", "subcategory",
           "priority", "impact", "urgency", "state", "caller_id", "assignment_group", "reopen_count", "reassignment_count"]


# ----------------------------------------------------------------------------- helpers
def pick(rng, seq, p=None):
    """Deterministic choice of one element (works for lists of tuples too)."""
    if p is not None:
        p = np.asarray(p, float) / np.sum(p)
    return seq[int(rng.choice(len(seq), p=p))]


def ascii_name(s):
    s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss").replace("ı", "i").replace("ł", "l").replace("'", "")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().replace(" ", "")


def fmt(d):
    return d.strftime("%Y-%m-%d %H:%M:%S") if d else ""


def build_callers(rng, n=405):
    pairs, seen = [], set()
    while len(pairs) < n:
        name = (pick(rng, FIRST), pick(rng, LAST))
        if name not in seen:
            seen.add(name)
            pairs.append(name)
    callers = []
    for first, last in pairs:
        phone = f"+49 89 {rng.integers(1000, 9999)} {rng.integers(1000, 9999)}" if rng.random() < 0.7 else f"+1 312 555 {rng.integers(1000, 9999)}"
        callers.append(dict(first=first, name=f"{first} {last}", dept=pick(rng, DEPTS), phone=phone,
                            mobile=f"+49 171 {rng.integers(1000000, 9999999)}", email=f"{ascii_name(first)}.{ascii_name(last)}@{MAIL_DOMAIN}"))
    weights = 1.0 / (np.arange(n) + 30.0)     # a few callers file a lot of tickets
    return callers, weights / weights.sum()


def types_for(system, day):
    """Expected tickets per weekday by problem type for a system on a day."""
    if system == "SAP ERP":
        base = {t[0]: t for t in P["SAP ERP"]}
        fail_rate = SAP_FAIL_RATE[day > RELEASE_DAY]
        out = [(base["slow"], fail_rate * 0.55), (base["print"], fail_rate * 0.45)]
        if day > RELEASE_DAY:
            out = [(t, w * 0.25) for t, w in out] + [(t, fail_rate * t[3]) for t in SAP_POST]
        return out + [(base["howto"], SAP_OTHER_RATE * 0.5), (base["access"], SAP_OTHER_RATE * 0.5)]
    types = P[system]
    rate = NO_SYSTEM_RATE if system is None else SYS[system][7]
    total = sum(t[3] for t in types)
    return [(t, rate * t[3] / total) for t in types]


def office_time(rng, day):
    if day.weekday() >= 5:
        hour = rng.uniform(8, 20)
    elif rng.random() < 0.08:
        hour = rng.uniform(0, 24)
    else:
        hour = rng.normal(9.5, 1.2) if rng.random() < 0.5 else rng.normal(14, 1.8)
        hour = min(max(hour, 6.5), 19.5)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=int(min(hour * 3600, 86399)))


def plan(rng):
    """Decide which tickets exist: list of dicts with system, ptype, opened, outage flag."""
    tickets, day = [], START
    dow = [1.12, 1.05, 1.0, 0.98, 0.85, 0.25, 0.25]
    while day <= END:
        f = dow[day.weekday()] * rng.lognormal(0, 0.1)
        for system in [s[0] for s in SYSTEMS] + [None]:
            for ptype, rate in types_for(system, day):
                for _ in range(rng.poisson(rate * f)):
                    tickets.append(dict(system=system, ptype=ptype, opened=office_time(rng, day), outage=False))
        if day in OUTAGE_TICKETS:
            start = OUTAGE_START if day == OUTAGE_START.date() else dt.datetime.combine(day, dt.time(7, 0))
            cap = dt.datetime.combine(day, dt.time(18, 30)) if day == OUTAGE_START.date() else OUTAGE_END - dt.timedelta(minutes=5)
            for _ in range(OUTAGE_TICKETS[day]):
                opened = min(start + dt.timedelta(seconds=int(rng.gamma(1.5, 1.3) * 3600)), cap)
                tickets.append(dict(system="GlobalProtect VPN", ptype=OUTAGE, opened=opened, outage=True))
        day += dt.timedelta(days=1)
    tickets.sort(key=lambda t: t["opened"])
    for i, t in enumerate(tickets):
        t["number"] = f"INC{10001 + i:07d}"
        t["kind"] = t["ptype"][1]
        t["sap_post"] = t["system"] == "SAP ERP" and t["ptype"] in SAP_POST
    return tickets


def mention(rng, system, ci_empty):
    name, aliases, typos = SYS[system][0], SYS[system][1].split(";"), SYS[system][9].split(";")
    p = [0.3, 0.45, 0.25] if ci_empty else [0.5, 0.42, 0.08]
    form = pick(rng, [[name], aliases, typos], p)
    m = pick(rng, form)
    r = rng.random()
    return m.lower() if r < 0.15 else (m.upper() if r < 0.18 else m)


def sloppy(rng, text, rate=0.5):
    """Inject realistic misspellings and keyboard slips (slot placeholders are left intact)."""
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


def fill(text, ctx):
    class Slots(dict):
        def __missing__(self, key):
            return "{" + key + "}"
    return text.format_map(Slots(ctx))


def mail_header(rng, t, caller, title):
    if rng.random() < 0.5:
        return f"received from: {caller['email']}\n"
    sent = t["opened"] - dt.timedelta(minutes=int(rng.integers(1, 30)))
    h = sent.hour % 12 or 12
    when = f"{WEEKDAY_NAMES[sent.weekday()]}day, {MONTH_NAMES[sent.month - 1]} {sent.day}, {sent.year} {h}:{sent.minute:02d} {'AM' if sent.hour < 12 else 'PM'}"
    last, first = caller["name"].split(" ", 1)[1], caller["first"]
    return f"From: {last}, {first} <{caller['email']}>\nSent: {when}\nTo: IT Service Desk <servicedesk@{MAIL_DOMAIN}>\nSubject: {title}\n"


def signature(rng, caller):
    return pick(rng, [f"Best regards,\n{caller['name']}\n{caller['dept']} | {caller['phone']}",
                      f"Kind regards\n{caller['first']}",
                      f"Thanks,\n{caller['first']}\n\n{caller['name']} | {caller['dept']}\nCorp Example GmbH | {caller['phone']} | {caller['email']}",
                      f"--\n{caller['name']}\n{caller['dept']}\nMobile {caller['mobile']}",
                      f"Regards,\n{caller['name']}"])


def to_html(rng, paras):
    html = []
    for i, p in enumerate(paras):
        p = p.replace("\n", "<br>")
        if i == 1 and rng.random() < 0.4:
            p = f"<b>{p}</b>"
        html.append(f"<p>{p}</p>" if rng.random() < 0.8 else f"<div>{p}&nbsp;</div>")
    return "\n".join(html)


def compose(rng, t, caller, ctx):
    """Title and body for one ticket, in the messy style of real tickets."""
    key, kind = t["ptype"][0], t["kind"]
    titles, bodies = t["ptype"][4].split("|"), t["ptype"][5].split("|")
    if t["german"]:
        title, body = GERMAN_SPECIFIC.get((t["system"], key)) or pick(rng, GERMAN[kind])
        paras = [pick(rng, GERMAN_GREET), fill(body, ctx)]
        if t["angry"]:
            paras.append(pick(rng, GERMAN_ANGRY))
        paras.append(pick(rng, GERMAN_CLOSE) + "\n" + caller["name"])
        return fill(title, ctx), "\n\n".join(paras)
    title = fill(sloppy(rng, pick(rng, titles), 0.3 if t["sloppy"] else 0), ctx)
    if t["angry"]:
        r = rng.random()
        title = title.upper() if r < 0.3 else title + pick(rng, ["!!!", " again", " - STILL NOT FIXED", " (3rd time this week)", "!!", " AGAIN!!!"])
    elif rng.random() < 0.25:
        title = title.lower()
    style = "polite" if t["system"] == "Confluence" else t["style"]
    sentences = [fill(sloppy(rng, b, 0.5 if t["sloppy"] else 0), ctx) for b in rng.permutation(bodies)]
    if t["outage"] and t["opened"].date() == OUTAGE_END.date():
        sentences.insert(0, fill("Same problem as yesterday, {s} is down again.", ctx))
    paras = []
    if t["header"]:
        paras.append(mail_header(rng, t, caller, title))
    if style == "terse":
        r = rng.random()
        body = "" if r < 0.25 else (pick(rng, TERSE) if r < 0.5 else (title if r < 0.65 else sentences[0]))
        if t["angry"] and body:
            body += " " + fill(pick(rng, FRUSTRATION), ctx)
        return title, ("\n".join(paras) + "\n" + body).strip() if paras else body
    if rng.random() < 0.65:
        paras.append(pick(rng, GREET))
    n = 1 + (rng.random() < 0.35) if style != "ramble" else min(len(sentences), 2 + (rng.random() < 0.5))
    problem = " ".join(sentences[:n])
    details = DETAILS_FAIL if kind == "failure" else DETAILS_ASK
    extra = [fill(pick(rng, details), ctx)] if rng.random() < (0.9 if style == "ramble" else 0.4) else []
    if style == "ramble":
        extra += [fill(r, ctx) for r in rng.choice(RAMBLE, size=int(rng.integers(1, 4)), replace=False)]
    paras.append(" ".join([problem] + extra) if rng.random() < 0.6 else problem + ("\n" + "\n".join(extra) if extra else ""))
    if t["angry"]:
        paras.append(" ".join(fill(f, ctx) for f in rng.choice(FRUSTRATION, size=int(rng.integers(1, 3)), replace=False)))
    elif style == "polite" or rng.random() < 0.3:
        paras.append(pick(rng, POLITE))
    if kind == "failure" and rng.random() < 0.12:
        paras.append(fill(pick(rng, URGENCY), ctx))
    if rng.random() < 0.12:
        paras.append(fill(pick(rng, CONTACT), ctx))
    if t["signature"]:
        paras.append(signature(rng, caller))
    elif rng.random() < 0.6:
        paras.append(pick(rng, CLOSE) + ("\n" + caller["first"] if rng.random() < 0.6 else ""))
    if rng.random() < 0.05:
        paras.append("Sent from my iPhone")
    if t["html"]:
        return title, to_html(rng, paras)
    return title, "\n\n".join(p.strip("\n") for p in paras)


def priority_of(rng, t):
    if t["outage"]:
        impact, urgency = 1, (1 if rng.random() < 0.6 else 2)
    elif t["kind"] == "failure":
        impact = int(pick(rng, [1, 2, 3], [0.2, 0.5, 0.3] if t["sap_post"] else [0.07, 0.48, 0.45]))
        urgency = int(pick(rng, [1, 2, 3], [0.12, 0.5, 0.38]))
    else:
        impact, urgency = (3 if rng.random() < 0.85 else 2), (3 if rng.random() < 0.8 else 2)
    prio = {2: 1, 3: 2, 4: 3}.get(impact + urgency, 4)
    names = {1: "1 - High", 2: "2 - Medium", 3: "3 - Low"}
    pnames = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}
    return pnames[prio], names[impact], names[urgency]


def lifecycle(rng, t):
    """reopen/reassignment counts, resolution, state and last update for a ticket."""
    system, kind, opened = t["system"], t["kind"], t["opened"]
    calm = system == "Confluence"
    if calm:
        reopen, reassign = 0, 0
    else:
        p_reopen = 0.3 if t["sap_post"] else (0.01 if kind == "howto" else 0.035) + (0.05 if t["angry"] else 0)
        reopen = int(pick(rng, [1, 2, 3], [0.6, 0.3, 0.1])) if rng.random() < p_reopen else 0
        reassign = int(pick(rng, [0, 1, 2, 3, 4], [0.2, 0.3, 0.25, 0.15, 0.1] if t["sap_post"] else
                            ([0.85, 0.13, 0.02, 0, 0] if kind == "howto" else [0.72, 0.2, 0.06, 0.02, 0])))
    age = (AS_OF - opened).total_seconds() / 86400
    if t["outage"]:
        resolved = OUTAGE_END + dt.timedelta(minutes=int(rng.integers(5, 240))) if rng.random() < 0.8 else None
    else:
        med = 3 if calm else (70 if t["sap_post"] else {"failure": 20, "howto": 6, "request": 28}[kind])
        dur = dt.timedelta(hours=max(0.1, rng.lognormal(math.log(med * (2 if reopen else 1)), 0.6 if calm else 1.1)))
        p_open = 0.95 - 0.06 * age if age < 5 else (0.08 if age < 9 else (0 if calm else 0.012))
        resolved = None if rng.random() < p_open else opened + dur
        if resolved and resolved > AS_OF:
            resolved = opened + (AS_OF - opened) * float(rng.uniform(0.3, 0.95))
    if resolved:
        resolved = resolved.replace(microsecond=0)
        if resolved + dt.timedelta(days=7) <= AS_OF:
            state, updated = "Closed", min(AS_OF, resolved + dt.timedelta(days=7, minutes=int(rng.integers(0, 60))))
        else:
            state, updated = "Resolved", resolved
    else:
        if age < 1 and reassign == 0 and reopen == 0 and rng.random() < 0.5:
            state, updated = "New", opened
        else:
            state = "In Progress" if rng.random() < 0.75 else "On Hold"
            updated = (opened + (AS_OF - opened) * float(rng.uniform(0.05, 1))).replace(microsecond=0)
    owner = SYS[system][3] if system else "Desktop Support"
    if reassign > 0:
        group = owner if rng.random() < 0.9 else pick(rng, ["Service Desk", "Application Support", "Desktop Support"])
    elif state == "New" or (kind == "howto" and rng.random() < 0.7) or rng.random() < 0.3:
        group = "Service Desk"
    else:
        group = owner
    return dict(reopen=reopen, reassign=reassign, resolved=resolved, state=state, updated=updated, group=group)


def build_rows(rng, tickets, callers, cweights):
    dept_idx = {d: [i for i, c in enumerate(callers) if c["dept"] in d] for d in map(tuple, AFFINITY.values())}
    for i, t in enumerate(tickets):
        system = t["system"]
        aff = AFFINITY.get(system)
        if aff and rng.random() < 0.8:
            idx = dept_idx[tuple(aff)]
            caller = callers[pick(rng, idx, cweights[idx])]
        else:
            caller = callers[int(rng.choice(len(callers), p=cweights))]
        t["caller"] = caller["name"]
        sap, conf = t["sap_post"], system == "Confluence"
        t["ci_empty"] = system is None or rng.random() < 0.25
        t["german"] = system is not None and rng.random() < 0.03
        t["angry"] = not conf and rng.random() < (0.5 if sap else 0.45 if t["outage"] else 0.04 if t["kind"] != "failure" else 0.13)
        t["style"] = pick(rng, ["terse", "normal", "ramble"], [0.22, 0.58, 0.2])
        t["sloppy"] = rng.random() < (0.5 if t["angry"] else 0.25)
        t["header"], t["signature"] = rng.random() < 0.15, rng.random() < 0.35
        t["html"] = rng.random() < 0.07
        other = rng.choice(len(callers))
        ctx = dict(when=pick(rng, WHEN), who=callers[other]["name"], dept=caller["dept"], proj=pick(rng, PROJECTS), file=pick(rng, FILES),
                   mbx=f"{pick(rng, MAILBOXES)}@{MAIL_DOMAIN}", cc=f"CC-{rng.integers(4000, 4999)}", po=f"45000{rng.integers(10000, 99999)}",
                   extmail=f"{ascii_name(pick(rng, FIRST))}@partner-example.net", dump=pick(rng, DUMPS), hour=f"{rng.integers(9, 17)}:00",
                   prev=f"INC{max(10001, 10001 + i - int(rng.integers(30, 900))):07d}", phone=caller["phone"], mobile=caller["mobile"],
                   email=caller["email"], email2=callers[other]["email"])
        ctx["s"] = mention(rng, system, t["ci_empty"]) if system else "it"
        t["title"], t["body"] = compose(rng, t, caller, ctx)
        cat = t["ptype"][2]
        t["category"] = CATEGORY[cat] if rng.random() > 0.07 else pick(rng, list(CATEGORY.values()))
        t["subcategory"] = SUBCAT_NOSYS[t["ptype"][0]] if system is None else SYS[system][8]
        t["priority"], t["impact"], t["urgency"] = priority_of(rng, t)
        t.update(lifecycle(rng, t))
    # hostile tickets: overwrite the text of three older failure tickets of real systems
    for system, title, body in HOSTILE:
        cand = [i for i, t in enumerate(tickets) if t["system"] == system and t["kind"] == "failure" and t["state"] == "Closed" and not t["ci_empty"]]
        t = tickets[cand[int(rng.integers(len(cand)))]]
        t.update(title=title, body=body, hostile=True)


def row_of(t, **over):
    r = dict(number=t["number"], opened_at=fmt(t["opened"]), resolved_at=fmt(t["resolved"]), sys_updated_on=fmt(t["updated"]),
             short_description=t["title"], description=t["body"], cmdb_ci="" if t["ci_empty"] else t["system"], category=t["category"],
             subcategory=t["subcategory"], priority=t["priority"], impact=t["impact"], urgency=t["urgency"], state=t["state"],
             caller_id=t["caller"], assignment_group=t["group"], reopen_count=t["reopen"], reassignment_count=t["reassign"])
    r.update(over)
    return r


def with_duplicates(rng, tickets):
    """Main export (one row per ticket) + exact duplicate rows + stale/updated re-export pairs."""
    done = [i for i, t in enumerate(tickets) if t["state"] in ("Resolved", "Closed") and not t.get("hostile")]
    reexp = sorted(int(i) for i in rng.choice(done, size=N_REEXPORT, replace=False))
    rest = sorted(set(range(len(tickets))) - set(reexp))
    dups = sorted(int(i) for i in rng.choice(rest, size=N_EXACT_DUPS, replace=False))
    main, tail = [], []
    for j, i in enumerate(reexp):
        t = tickets[i]
        stale_state = "Resolved" if t["state"] == "Closed" and rng.random() < 0.3 else pick(rng, ["In Progress", "On Hold"], [0.75, 0.25])
        if stale_state == "Resolved":
            stale = row_of(t, state="Resolved", sys_updated_on=fmt(t["resolved"]))
        else:
            upd = (t["opened"] + (t["resolved"] - t["opened"]) * float(rng.uniform(0.1, 0.9))).replace(microsecond=0)
            stale = row_of(t, state=stale_state, resolved_at="", sys_updated_on=fmt(upd))
        t["stale"], t["stale_first"] = stale, j % 2 == 0   # half: stale row in main body, updated row in the later re-export
    for i, t in enumerate(tickets):
        if "stale" in t:
            main.append(t["stale"] if t["stale_first"] else row_of(t))
            tail.append(row_of(t) if t["stale_first"] else t["stale"])
        else:
            main.append(row_of(t))
            if i in dups:
                (main if rng.random() < 0.6 else tail).append(row_of(t))
    tail.sort(key=lambda r: r["number"])
    return main + tail


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
    out.append(f"empty cmdb_ci: {share(tickets, lambda t: t['ci_empty'])}; German tickets: {sum(t['german'] for t in tickets)}")
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
    rows = with_duplicates(rng, tickets)
    with open(OUT / "servicenow_incidents.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(OUT / "systems.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "aliases", "vendor", "owner_team", "lifecycle", "user_count", "criticality"])
        w.writerows(s[:7] for s in SYSTEMS)
    report(tickets, rows)


if __name__ == "__main__":
    main()
