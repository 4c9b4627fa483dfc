"""API tokens in the admin: a user creates and revokes their own; an editor-in-chief anyone's.

The clear token is shown once, on creation; records are never deleted (revoking is recorded).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews import permissions as perms
from reviews.api import tokens
from reviews.api.models import ApiToken
from reviews.exceptions import WorkflowError


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=ApiToken.Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ("user", "name", "scopes", "expires_at")

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return value


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "prefix", "user", "scope_list", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    actions = ["revoke"]
    _READONLY = ("user", "name", "prefix", "scopes", "created_at", "created_by", "expires_at", "last_used_at",
                 "revoked_at", "revoked_by", "revoke_reason")  # fmt: skip

    @admin.display(description="scopes")
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    def _staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._staff(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request) and (obj is None or tokens.may_manage(request.user, obj.user))

    def has_add_permission(self, request):
        return self._staff(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)  # the change page is read-only; revoking is the action

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if perms.is_editor_in_chief(request.user) else queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return self._READONLY if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "user" in form.base_fields:
            users = get_user_model().objects.filter(is_active=True)
            if not perms.is_editor_in_chief(request.user):
                users = users.filter(pk=request.user.pk)
            form.base_fields["user"].queryset = users
            form.base_fields["user"].initial = request.user.pk
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        issued = tokens.token_create(
            owner=data["user"], actor=request.user, name=data["name"], scopes=data["scopes"],
            expires_at=data.get("expires_at"),
        )  # fmt: skip
        obj.pk, obj.prefix = issued.token.pk, issued.token.prefix
        messages.warning(
            request, f"The token “{issued.token.name}” is {issued.clear} — copy it now: it is shown only once."
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.order_by("pk"):
            try:
                tokens.token_revoke(token=token, actor=request.user, reason=f"revoked in the admin by {request.user}")
                messages.success(request, f"{token.name}: revoked.")
            except WorkflowError as error:
                messages.error(request, f"{token.name}: {error}")
