// A real OpenID provider for convo's single sign-on test: the certified `oidc-provider`, one
// client (convo), and people to sign in as. The login step is automatic: it signs in as the
// person last named by `GET /test/next/<id>` (the test's stand-in for typing a password), and
// the code flow, PKCE, the ID token and its signature are the library's own.
// Usage: PORT=... REDIRECT_URI=... node provider.mjs
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const people = {
  alice: { sub: "alice", email: "alice@example.com", email_verified: true, name: "Alice Nguyen" },
  bob: { sub: "bob", email: "bob@example.com", email_verified: false, name: "Bob" },
  carol: { sub: "carol", email: "carol@elsewhere.test", email_verified: true, name: "Carol" },
  dana: { sub: "dana", email: "dana@example.com", email_verified: true, name: "Dana Pham" },
  erin: { sub: "erin", email: "erin@elsewhere.test", email_verified: true, name: "Erin" },
};
let next = "alice";

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "convo",
      client_secret: "convo-test-client-secret",
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // The email claims in the ID token, as the big providers put them.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => people[id] }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ["convo-test-provider-cookie-key"] },
});

const server = http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith("/test/next/")) {
      next = req.url.split("/")[3];
      res.end("ok");
      return;
    }
    if (req.url.startsWith("/interaction/")) {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: next, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: next }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    provider.callback()(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`listening on ${issuer}`));
