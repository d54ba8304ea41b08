from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from core.visitors import ip_hash

from .ratelimit import too_many


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="For password resets and the e-mails you ask for, such as changes at a company you watch; never shown.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta:
        model = User
        fields = ["username", "email"]
        widgets = {"username": forms.TextInput(attrs={"autocomplete": "username"})}


# Guessing passwords and flooding inboxes: a few tries per account and per address an hour.
LOGINS_PER_ACCOUNT_PER_HOUR = 10
LOGINS_PER_IP_PER_HOUR = 30
RESETS_PER_EMAIL_PER_HOUR = 3
RESETS_PER_IP_PER_HOUR = 10


class LimitedAuthenticationForm(AuthenticationForm):
    """Sign-in that stops answering "wrong password" after too many tries, whatever the password."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()[:150]
        address = ip_hash(self.request) if self.request else ""
        if too_many(f"login:user:{username}", LOGINS_PER_ACCOUNT_PER_HOUR, 3600) | too_many(
            f"login:ip:{address}", LOGINS_PER_IP_PER_HOUR, 3600
        ):
            raise ValidationError(
                "Too many sign-in attempts for this account or from your network. Please try again in an hour, "
                "or reset your password."
            )
        return super().clean()


class LimitedPasswordResetForm(PasswordResetForm):
    """Sends reset e-mails at a bounded rate, so nobody can flood someone's inbox through GetHelp."""

    request = None

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        address = ip_hash(self.request) if self.request else ""
        if too_many(f"reset:email:{email}", RESETS_PER_EMAIL_PER_HOUR, 3600) | too_many(
            f"reset:ip:{address}", RESETS_PER_IP_PER_HOUR, 3600
        ):
            raise ValidationError("Too many reset requests for this address. Please try again in an hour.")
        return email
