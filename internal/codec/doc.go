// Package codec encrypts Temporal payloads and serves them decrypted to
// operators.
//
// Customers' addresses, phone numbers, emails and payment-method tokens
// travel in workflow inputs and results, activity arguments and results,
// signals, updates, queries and memos. With NewDataConverter on every client
// and worker they are AES-256-GCM ciphertext in Temporal's store; with
// NewFailureConverter error messages are too. The codec server (NewHandler)
// lets the Temporal Web UI and `temporal workflow show` decrypt them for
// authorized operators.
//
// Not encrypted, whatever the converter: workflow and activity ids, search
// attributes, task queues, error type names and failures the server makes
// itself (timeouts, terminations). Keep personal data out of them.
//
// # Keys
//
// A keyring is a comma-separated list of ID:KEY entries, the encrypting key
// first:
//
//	k2:NEW_BASE64_KEY,k1:OLD_BASE64_KEY
//
// ID is 1 to 32 characters of A-Z a-z 0-9 _ -, and is stored in every
// payload's metadata (MetadataKeyID). KEY is the base64 (standard or
// URL-safe, padded or not) of 32 random bytes:
//
//	openssl rand -base64 32
//
// Workers, clients and the codec server must be given the same keyring.
// Treat it like a database password: a secret store or an environment
// variable, never a file in the repository.
//
// # Rotation
//
//  1. Generate a key with a new id and put it in front: "k2:NEW,k1:OLD".
//     Deploy it to the codec server first, then to every worker and client.
//     From then on payloads are encrypted with k2; k1 payloads still decrypt.
//  2. Keep k1 until no history needs it: the longest a workflow encrypted
//     with k1 can run (including continue-as-new chains that carry old
//     payloads forward) plus the namespace's retention period, after which
//     closed histories are deleted. Then drop it: "k2:NEW".
//
// A payload whose key has been dropped fails to decode with an error naming
// the key id (ErrUnknownKey). A workflow task meeting one fails and the
// server retries it until the key is restored (the workflow is not failed);
// an activity whose arguments cannot be decoded fails its attempt and is
// retried under its retry policy. To retire a compromised key sooner, the data it
// protects must be re-encrypted or the workflows ended.
//
// Payloads written before encryption was turned on have no
// EncodingEncrypted metadata and pass the codec unchanged, so turning
// encryption on needs no migration.
//
// # Codec server
//
// NewHandler serves POST {prefix}/encode and {prefix}/decode. Mount it at,
// say, https://codec.example.com/codec and give operators that URL as the
// codec endpoint (without /decode: clients append it). Both endpoints sit
// behind the Authorizer: /decode reveals personal data, and /encode makes
// ciphertext workers accept.
//
// # Temporal CLI (v1.5.1)
//
// Commands that read or write payloads take --codec-endpoint and
// --codec-auth; the latter is the whole Authorization header value,
// "Bearer " included:
//
//	temporal workflow show -w WORKFLOW_ID --namespace NAMESPACE --detailed \
//	  --codec-endpoint https://codec.example.com/codec \
//	  --codec-auth "Bearer $(mallctl token -admin)"
//
// (--detailed prints every event's payloads; without it, show prints the
// event list and the result.) The CLI sends X-Namespace from --namespace,
// and an empty one without it, which the handler reads as "default".
// Instead of the flags, export TEMPORAL_CODEC_ENDPOINT and
// TEMPORAL_CODEC_AUTH, or store the endpoint in the CLI's profile
// (~/.config/temporalio/temporal.toml) with
//
//	temporal config set --prop codec.endpoint --value https://codec.example.com/codec
//
// and pass the short-lived token per command. --codec-header KEY=VALUE adds
// other headers; "{namespace}" in the endpoint is replaced by the
// namespace. When the codec server refuses (bad token, other namespace),
// the CLI does not show the HTTP status: it retries until its deadline and
// fails with "context deadline exceeded".
//
// # Temporal Web UI
//
// The UI's browser code calls the codec server directly, so the server
// must list the UI's origin in HandlerOptions.AllowedOrigins: for `tempomall
// dev`, http://127.0.0.1:8233 and http://localhost:8233 (the dev server's UI
// port is the Temporal port plus 1000). Configure the endpoint for every
// user in the UI server's config file:
//
//	codec:
//	  endpoint: https://codec.example.com/codec
//	  passAccessToken: true      # send "Authorization: Bearer <the UI user's access token>"
//	  includeCredentials: false  # true: send the browser's cookies for the codec host
//
// or with the environment variables TEMPORAL_CODEC_ENDPOINT,
// TEMPORAL_CODEC_PASS_ACCESS_TOKEN and TEMPORAL_CODEC_INCLUDE_CREDENTIALS of
// the temporalio/ui image; for the dev server, with
// `temporal server start-dev --ui-codec-endpoint URL`. A user can also set
// an endpoint for their own browser in the UI's codec server settings, with
// the toggles "Pass the user access token" and "Include cross-origin
// credentials".
//
// The UI passes the access token only to an https endpoint, and the token
// is the one the user logged in to the UI with (the UI's OIDC provider), so
// the Authorizer must accept that provider's tokens; a tempomall token
// cannot be typed into the UI. With no UI login (the dev server) there is no
// token to pass: for local development run the codec server on 127.0.0.1
// with AllowAll.
package codec
