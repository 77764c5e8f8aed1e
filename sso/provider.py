"""allauth's OpenID Connect adapter, with the ID token's signature always checked against the provider's
published keys (allauth skips that check when the token came straight from the token endpoint, which
OpenID Connect allows over TLS; a council's provider is checked all the same)."""

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter


class CouncilOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        """The token's claims, once its signature, issuer (the council's provider as configured: for Entra
        ID, its tenant), audience (this service's client id) and expiry are checked; else OAuth2Error."""
        configured = app.settings["server_url"].rstrip("/")
        if self.openid_config["issuer"].rstrip("/") != configured:
            raise OAuth2Error("The provider names an issuer other than the one configured")
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
