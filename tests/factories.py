from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.models import (
    BackgroundPaper,
    Decision,
    DeclarationLine,
    ExpenditureLine,
    FormType,
    Office,
    Organisation,
    PartTwo,
    Recommendation,
    ReferenceSeries,
    SupportingReport,
)
from demo.clearance import POLICING_CLEARANCE_LINES, clearance_line_rows

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role(role)]))
        self.save()


class ReferenceSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceSeries
        django_get_or_create = ["prefix"]

    prefix = "PCD"
    name = "Police and Crime Decisions"
    next_number = 1070


def policing_office() -> Organisation:
    """The body installed by migration (decisions 0013), with its three offices."""
    return Organisation.objects.get(slug="mopac")


def office(code: str, organisation: Organisation | None = None) -> Office:
    """An office of the policing office by its code: "dmpc", "mayor", "chief_executive"."""
    return Office.objects.get(organisation=organisation or policing_office(), code=code)


class FormTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormType
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    organisation = factory.LazyFunction(policing_office)
    name = "DMPC Decision"
    slug = "dmpc-decision"
    series = factory.SubFactory(ReferenceSeriesFactory)

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        # By default a form of the policing office serves all its offices.
        if create:
            self.offices.set(
                extracted if extracted is not None else self.organisation.offices.all()
            )

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        # The 2021 PCD form's sections, as the migration gives the form types it finds.
        if create:
            self.add_default_sections()
            self.add_clearance_lines(clearance_line_rows(POLICING_CLEARANCE_LINES))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    form_type = factory.SubFactory(FormTypeFactory)
    series = factory.LazyAttribute(lambda d: d.form_type.series)
    title = factory.Sequence(lambda n: f"Decision record {n}")
    executive_summary = "This decision seeks approval for a thing."
    drafting_officer = factory.SubFactory(UserFactory, roles=[Role.DRAFTING_OFFICER])
    introduction = "First paragraph.\n\nSecond paragraph."

    class Params:
        # Submitted to the DMPC: its reviewers on the route may read it
        # (approvals.policies.can_read_record); a draft never submitted is its officer's.
        submitted = factory.Trait(
            status=Decision.Status.CLEARANCE,
            decision_maker=factory.LazyFunction(lambda: office("dmpc")),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    decision = factory.SubFactory(DecisionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "Approve the spend."


class ExpenditureLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenditureLine

    decision = factory.SubFactory(DecisionFactory)
    kind = ExpenditureLine.Kind.CAPITAL
    financial_year = "2021/22"
    amount = Decimal("1000.00")
    funding_source = "Digital Policing Capital Budget"


class SupportingReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportingReport

    decision = factory.SubFactory(DecisionFactory)
    title = factory.LazyAttribute(lambda r: r.decision.title)


class PartTwoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartTwo

    decision = factory.SubFactory(DecisionFactory, has_part_two=True)
    content = "Confidential advice."
    exemption = PartTwo.Exemption.COMMERCIAL
    rationale = "Commercially sensitive."


class DeclarationLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclarationLine

    decision = factory.SubFactory(DecisionFactory)
    kind = DeclarationLine.Kind.FINANCIAL
    statement = (
        "The Strategic Finance and Resource Management Team has been consulted on this proposal."
    )


def attach_paper(
    decision, *, title: str, name: str, publish: bool, content: bytes
) -> BackgroundPaper:
    """A background paper of `content`, stored in the default storage under `name`,
    uploaded by the record's drafting officer and marked for publication or not."""
    paper = BackgroundPaper(
        decision=decision,
        title=title,
        original_filename=name,
        content_type="application/pdf",
        size=len(content),
        uploaded_by=decision.drafting_officer,
        publish=publish,
    )
    paper.file.save(name, ContentFile(content), save=False)
    paper.save()
    return paper
