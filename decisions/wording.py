"""The fixed sentences of the decision form, in the words of the body's paper form.

One copy of each. Services store them in sign-offs and declaration lines, views show
them before a signature, templates print them through approvals.presenters
.part_one_context, and the demo data signs with them. The advisers' statements of the
Originating Officer Declaration are in approvals/clearance.py, beside who gives them.
"""

# The defaults of a new office (decisions.models.Office), which keeps its own words.
# The decision maker's declaration, printed above their decision and signed with it.
DECISION_MAKER_DECLARATION = (
    "I confirm I have considered whether or not I have any personal or prejudicial interest in "
    "this matter and take the proposed decision in compliance with the Code of Conduct. Any such "
    "interests are recorded below."
)
APPROVAL_STATEMENT = "The above request has my approval."
REFUSAL_STATEMENT = "The above request does not have my approval."

# {decision_maker}: the title of the office the record goes to.
CHIEF_EXECUTIVE_STATEMENT = (
    "I have been consulted about the proposal and confirm that financial, legal and equalities "
    "advice has been taken into account in the preparation of this report. I am satisfied that "
    "this is an appropriate request to be submitted to the {decision_maker}."
)

# {name}: the drafting officer's full name; {organisation}: the body's short name.
DRAFTING_OFFICER_STATEMENT = (
    "{name} has drafted this report in accordance with {organisation} procedures."
)
