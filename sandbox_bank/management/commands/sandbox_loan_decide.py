"""SANDBOX BANK: the loan officer's decision on a seller's application, for development
(`manage.py sandbox_loan_decide A20261201… approved --approved-fen 1500000`). The county is
told by a signed LOAN_STATE notice, delivered by the worker like every sandbox notice."""

from django.core.management.base import BaseCommand, CommandError

from sandbox_bank.models import SandboxLoanApplication
from sandbox_bank.services import SandboxBankError, loan_application_decide

STATES = ("under_review", "approved", "rejected", "disbursed")


class Command(BaseCommand):
    help = "Move a seller's loan application at the sandbox bank on and tell the county."

    def add_arguments(self, parser):
        parser.add_argument("application_no", help="the bank's number (or the county's)")
        parser.add_argument("state", choices=STATES)
        parser.add_argument("--approved-fen", type=int, default=None)
        parser.add_argument("--note", default="")

    def handle(self, *args, application_no, state, approved_fen, note, **options):
        application = (
            SandboxLoanApplication.objects.filter(application_no=application_no).first()
            or SandboxLoanApplication.objects.filter(out_application_no=application_no).first()
        )
        if application is None:
            raise CommandError(f"no loan application {application_no}")
        try:
            notice = loan_application_decide(
                application=application, state=state, approved_fen=approved_fen, note=note
            )
        except SandboxBankError as error:
            raise CommandError(error.code) from error
        self.stdout.write(f"{application.application_no}: {state} (notice {notice.pk})")
