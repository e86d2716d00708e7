from allauth.mfa.stages import AuthenticateStage


class SecondFactorStage(AuthenticateStage):
    """allauth's second-factor step, left out when the organisation's provider asserted its own (sso.py)."""

    def _should_handle(self, request):
        if getattr(request, "provider_factor", False):
            return False
        return super()._should_handle(request)
