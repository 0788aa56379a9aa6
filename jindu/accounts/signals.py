"""A changed password or a deactivated account ends every API token, however it happened
(the profile page, the office's reset, Django's own forms, the shell)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User


@receiver(pre_save, sender=User)
def _remember_credentials(sender, instance, raw=False, **kwargs):
    instance._tokens_to_revoke = None
    if raw or instance.pk is None:
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    if old["password"] != instance.password:
        instance._tokens_to_revoke = "password_changed"
    elif old["is_active"] and not instance.is_active:
        instance._tokens_to_revoke = "deactivated"


@receiver(post_save, sender=User)
def _revoke_tokens(sender, instance, raw=False, **kwargs):
    reason = getattr(instance, "_tokens_to_revoke", None)
    if reason:
        from .tokens import revoke_all

        revoke_all(instance, reason=reason)
        instance._tokens_to_revoke = None
