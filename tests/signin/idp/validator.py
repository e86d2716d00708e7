from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid", "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        return {"email": user.email, "email_verified": user.first_name != "unverified", "name": user.username,
                "amr": ["pwd", "mfa"] if user.last_name == "mfa" else ["pwd"]}
