package codec

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/tempomall/tempomall/internal/apperr"
)

const (
	testToken     = "admin-token"
	testNamespace = "tempomall"
	uiOrigin      = "http://localhost:8233"
)

// adminsOnly admits the bearer testToken, refuses other tokens and
// requests without one, as the team's JWT check would.
func adminsOnly(r *http.Request) error {
	tok, ok := BearerToken(r)
	switch {
	case !ok:
		return apperr.New(apperr.Unauthenticated, "send Authorization: Bearer <admin access token>")
	case tok != testToken:
		return apperr.New(apperr.PermissionDenied, "only admins may decode payloads")
	}
	return nil
}

// newTestServer serves a codec server over a fresh keyring under /codec.
func newTestServer(t *testing.T, opts HandlerOptions) (*httptest.Server, *Codec) {
	t.Helper()
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	opts.Prefix = "/codec"
	if opts.Authorize == nil {
		opts.Authorize = adminsOnly
	}
	h, err := NewHandler(c, opts)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, c
}

// remoteCodec is the SDK's client of the codec protocol configured as the
// temporal CLI configures it for --codec-endpoint and --codec-auth.
func remoteCodec(endpoint, auth, namespace string) converter.PayloadCodec {
	return converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
		Endpoint: endpoint,
		ModifyRequest: func(r *http.Request) error {
			r.Header.Set("X-Namespace", namespace)
			if auth != "" {
				r.Header.Set("Authorization", auth)
			}
			return nil
		},
	})
}

func TestHandlerRoundTripOverHTTP(t *testing.T) {
	srv, c := newTestServer(t, HandlerOptions{Namespace: testNamespace, AllowedOrigins: []string{uiOrigin}})
	remote := remoteCodec(srv.URL+"/codec", "Bearer "+testToken, testNamespace)
	plain := jsonPayloads(t, address, map[string]string{"email": "zoë@example.com"})

	t.Run("decode what workers encoded", func(t *testing.T) {
		enc, err := c.Encode(plain)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := remote.Decode(enc)
		if err != nil {
			t.Fatalf("remote Decode: %v", err)
		}
		if diff := cmp.Diff(plain, dec, protocmp.Transform()); diff != "" {
			t.Errorf("remote Decode (-want +got):\n%s", diff)
		}
	})
	t.Run("workers decode what the server encoded", func(t *testing.T) {
		enc, err := remote.Encode(plain)
		if err != nil {
			t.Fatalf("remote Encode: %v", err)
		}
		assertCiphertext(t, enc, "k1", address)
		dec, err := c.Decode(enc)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if diff := cmp.Diff(plain, dec, protocmp.Transform()); diff != "" {
			t.Errorf("Decode (-want +got):\n%s", diff)
		}
	})
	t.Run("the Web UI's request", func(t *testing.T) {
		enc, err := c.Encode(plain)
		if err != nil {
			t.Fatal(err)
		}
		body, err := protojson.Marshal(&commonpb.Payloads{Payloads: enc})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/codec/decode", strings.NewReader(string(body)))
		req.Header.Set("Origin", uiOrigin)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Namespace", testNamespace)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, got := do(t, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, got)
		}
		wantHeaders := map[string]string{
			"Access-Control-Allow-Origin":      uiOrigin,
			"Access-Control-Allow-Credentials": "true",
			"Content-Type":                     "application/json",
			"Cache-Control":                    "no-store",
		}
		if diff := cmp.Diff(wantHeaders, pick(resp.Header, wantHeaders)); diff != "" {
			t.Errorf("headers (-want +got):\n%s", diff)
		}
		var out commonpb.Payloads
		if err := protojson.Unmarshal([]byte(got), &out); err != nil {
			t.Fatalf("response %s: %v", got, err)
		}
		if diff := cmp.Diff(plain, out.Payloads, protocmp.Transform()); diff != "" {
			t.Errorf("decoded (-want +got):\n%s", diff)
		}
	})
	t.Run("a tampered payload is a 400 naming the key", func(t *testing.T) {
		enc, err := c.Encode(plain)
		if err != nil {
			t.Fatal(err)
		}
		enc[1].Data[20] ^= 1
		_, err = remote.Decode(enc)
		if err == nil || !strings.Contains(err.Error(), "Bad Request") || !strings.Contains(err.Error(), `key "k1"`) {
			t.Errorf("remote Decode = %v, want a Bad Request naming key k1", err)
		}
	})
}

// pick returns h's values of the keys of want.
func pick(h http.Header, want map[string]string) map[string]string {
	got := map[string]string{}
	for k := range want {
		if v := h.Get(k); v != "" {
			got[k] = v
		}
	}
	return got
}

// do sends req and returns the response and its body.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestHandlerCORSPreflight(t *testing.T) {
	srv, _ := newTestServer(t, HandlerOptions{AllowedOrigins: []string{uiOrigin, "https://temporal.example.com"}})
	corsHeaders := []string{
		"Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
		"Access-Control-Allow-Headers", "Access-Control-Allow-Credentials",
	}
	allowed := func(origin string) map[string]string {
		return map[string]string{
			"Access-Control-Allow-Origin":      origin,
			"Access-Control-Allow-Methods":     "POST",
			"Access-Control-Allow-Headers":     "Content-Type, X-Namespace, Authorization",
			"Access-Control-Allow-Credentials": "true",
		}
	}
	tests := []struct {
		name        string
		origin      string
		wantStatus  int
		wantHeaders map[string]string
	}{
		{"the dev UI", uiOrigin, http.StatusNoContent, allowed(uiOrigin)},
		{"a production UI", "https://temporal.example.com", http.StatusNoContent, allowed("https://temporal.example.com")},
		{"another origin", "https://evil.example.com", http.StatusForbidden, map[string]string{}},
		{"another port", "http://localhost:8234", http.StatusForbidden, map[string]string{}},
		{"another scheme", "https://localhost:8233", http.StatusForbidden, map[string]string{}},
		{"null origin", "null", http.StatusForbidden, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/codec/decode", nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
			resp, body := do(t, req)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			got := map[string]string{}
			for _, h := range corsHeaders {
				if v := resp.Header.Get(h); v != "" {
					got[h] = v
				}
			}
			if diff := cmp.Diff(tt.wantHeaders, got); diff != "" {
				t.Errorf("CORS headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHandlerRefusals(t *testing.T) {
	srv, c := newTestServer(t, HandlerOptions{
		Namespace: testNamespace, AllowedOrigins: []string{uiOrigin}, MaxBodyBytes: 64 << 10,
	})
	enc, err := c.Encode(jsonPayloads(t, address))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := protojson.Marshal(&commonpb.Payloads{Payloads: enc})
	big, _ := protojson.Marshal(&commonpb.Payloads{Payloads: jsonPayloads(t, strings.Repeat("x", 64<<10))})

	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string // added to a valid CLI request; "" deletes
		body       string
		wantStatus int
		wantError  string
	}{
		{name: "no token", header: map[string]string{"Authorization": ""},
			wantStatus: 401, wantError: "send Authorization: Bearer <admin access token>"},
		{name: "not a bearer token", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="},
			wantStatus: 401, wantError: "send Authorization: Bearer <admin access token>"},
		{name: "not an admin", header: map[string]string{"Authorization": "Bearer customer-token"},
			wantStatus: 403, wantError: "only admins may decode payloads"},
		{name: "encode needs a token too", path: "/codec/encode", header: map[string]string{"Authorization": ""},
			wantStatus: 401, wantError: "send Authorization: Bearer <admin access token>"},
		{name: "namespace mismatch", header: map[string]string{"X-Namespace": "other"},
			wantStatus: 403, wantError: `this codec server serves namespace "tempomall", not "other" (X-Namespace, which the temporal CLI sets from --namespace)`},
		{name: "namespace missing means default", header: map[string]string{"X-Namespace": ""},
			wantStatus: 403, wantError: `this codec server serves namespace "tempomall", not "default" (X-Namespace, which the temporal CLI sets from --namespace)`},
		{name: "disallowed origin", header: map[string]string{"Origin": "https://evil.example.com"},
			wantStatus: 403, wantError: "origin not allowed"},
		{name: "GET", method: http.MethodGet, wantStatus: 405, wantError: "use POST"},
		{name: "OPTIONS without Origin", method: http.MethodOptions, wantStatus: 405, wantError: "use POST"},
		{name: "unknown path", path: "/codec/download", wantStatus: 404, wantError: "not found: POST /codec/encode or /codec/decode"},
		{name: "no prefix", path: "/decode", wantStatus: 404, wantError: "not found: POST /codec/encode or /codec/decode"},
		{name: "form post", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			wantStatus: 415, wantError: "send Content-Type: application/json"},
		{name: "body too large", body: string(big), wantStatus: 413, wantError: "body over 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path, reqBody := cmpOr(tt.method, http.MethodPost), cmpOr(tt.path, "/codec/decode"), cmpOr(tt.body, string(body))
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(reqBody))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Namespace", testNamespace)
			req.Header.Set("Authorization", "Bearer "+testToken)
			for k, v := range tt.header {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			resp, got := do(t, req)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(got), &e); err != nil {
				t.Fatalf("body %q is not a JSON error: %v", got, err)
			}
			if diff := cmp.Diff(tt.wantError, e.Error); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if strings.Contains(got, "Baker Street") {
				t.Errorf("a refusal shows plaintext: %s", got)
			}
			if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestHandlerAuthorizerErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantError  string
	}{
		{"unauthenticated", apperr.New(apperr.Unauthenticated, "token expired"), 401, "token expired"},
		{"wrapped permission denied", errors.Join(errors.New("ctx"), apperr.New(apperr.PermissionDenied, "admins only")), 403, "admins only"},
		{"plain error hides its text", errors.New("jwks fetch: dial tcp 10.0.0.7:443: refused"), 403, "permission denied"},
		{"internal apperr hides its text", apperr.Internalf("db down"), 403, "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newTestServer(t, HandlerOptions{Authorize: func(*http.Request) error { return tt.err }})
			_, err := remoteCodec(srv.URL+"/codec", "", "default").Decode(nil)
			if err == nil {
				t.Fatal("remote Decode succeeded")
			}
			want := http.StatusText(tt.wantStatus) + `: {"error":"` + tt.wantError + `"}` + "\n"
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewHandlerOptions(t *testing.T) {
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	tests := []struct {
		name    string
		opts    HandlerOptions
		wantErr string
	}{
		{"no authorizer", HandlerOptions{}, "no Authorize"},
		{"prefix without slash", HandlerOptions{Authorize: AllowAll, Prefix: "codec"}, "must start with /"},
		{"prefix with trailing slash", HandlerOptions{Authorize: AllowAll, Prefix: "/codec/"}, "must start with /"},
		{"wildcard origin", HandlerOptions{Authorize: AllowAll, AllowedOrigins: []string{"*"}}, "want http:// or https://"},
		{"origin with a path", HandlerOptions{Authorize: AllowAll, AllowedOrigins: []string{"http://localhost:8233/ui"}}, "no path"},
		{"negative body limit", HandlerOptions{Authorize: AllowAll, MaxBodyBytes: -1}, "negative"},
		{"valid", HandlerOptions{Authorize: AllowAll, Prefix: "/codec", AllowedOrigins: []string{"HTTP://LocalHost:8233/"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHandler(c, tt.opts)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("NewHandler: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewHandler = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc.def", "abc.def", true},
		{"bearer abc", "abc", true},
		{"Bearer ", "", false},
		{"Basic abc", "", false},
		{"abc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/decode", nil)
		r.Header.Set("Authorization", tt.header)
		got, ok := BearerToken(r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// TestHandlerDefaultNamespace: the temporal CLI sends an empty X-Namespace
// for its default namespace.
func TestHandlerDefaultNamespace(t *testing.T) {
	srv, c := newTestServer(t, HandlerOptions{Namespace: "default"})
	enc, err := c.Encode(jsonPayloads(t, address))
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"", "default"} {
		if _, err := remoteCodec(srv.URL+"/codec", "Bearer "+testToken, ns).Decode(enc); err != nil {
			t.Errorf("X-Namespace %q: %v", ns, err)
		}
	}
	if _, err := remoteCodec(srv.URL+"/codec", "Bearer "+testToken, "tempomall").Decode(enc); err == nil ||
		!strings.Contains(err.Error(), `serves namespace \"default\", not \"tempomall\"`) {
		t.Errorf("X-Namespace tempomall: %v, want a refusal", err)
	}
}
