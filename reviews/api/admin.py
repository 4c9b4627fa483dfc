"""API tokens in the admin: a user creates and revokes their own; an editor-in-chief anyone's.

The clear token is shown once, on creation; records are never deleted (revoking is recorded).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews import permissions as perms
from reviews import webhooks
from reviews.api import tokens
from reviews.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
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


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events", "active")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Give an http(s) address.")
        return url


class _EditorsOnly:
    def _editor(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and perms.is_editor(request.user)

    def has_module_permission(self, request):
        return self._editor(request)

    def has_view_permission(self, request, obj=None):
        return self._editor(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deliveries refer to it; deactivate instead


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(_EditorsOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "event_list", "active", "failing_since", "disabled_at")
    list_filter = ("active",)
    readonly_fields = ("secret", "created_by", "created_at", "failing_since", "disabled_at", "disabled_reason")

    @admin.display(description="events")
    def event_list(self, endpoint) -> str:
        return ", ".join(endpoint.events)

    def has_add_permission(self, request):
        return self._editor(request)

    def has_change_permission(self, request, obj=None):
        return self._editor(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by, obj.secret = request.user, webhooks.new_secret()
        if obj.active and change and "active" in form.changed_data:  # re-enabled: a fresh day of tries
            obj.failing_since, obj.disabled_at, obj.disabled_reason = None, None, ""
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_EditorsOnly, admin.ModelAdmin):
    list_display = ("event", "endpoint", "article", "status", "response_code", "attempts", "created_at",
                    "next_attempt_at")  # fmt: skip
    list_filter = ("status", "event")
    list_select_related = ("endpoint", "article")
    readonly_fields = ("endpoint", "event", "article", "payload", "status", "attempts", "response_code", "error",
                       "created_at", "last_attempt_at", "next_attempt_at")  # fmt: skip
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Resend the selected deliveries")
    def resend(self, request, queryset):
        for delivery in queryset.select_related("endpoint", "article").order_by("pk"):
            try:
                webhooks.delivery_resend(delivery=delivery, actor=request.user)
                messages.success(request, f"Delivery {delivery.pk} ({delivery.event}) queued again.")
            except WorkflowError as error:
                messages.error(request, f"Delivery {delivery.pk}: {error}")
