from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For password resets only; never shown.")

    class Meta:
        model = User
        fields = ["username", "email"]
