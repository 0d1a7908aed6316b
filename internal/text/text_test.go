package text

import (
	"strings"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		s    string
		r    Rule
		want string // the error message, "" for none
	}{
		{"plain", "12 St James's Square", Rule{}, ""},
		{"non-ASCII", "北京市朝阳区建国路88号", Rule{Max: 12}, ""},
		{"empty allowed", "", Rule{}, ""},
		{"required", "", Rule{Min: 1}, "f is required"},
		{"too short", "ab", Rule{Min: 3}, "f must be at least 3 characters long"},
		{"at the limit", strings.Repeat("é", 200), Rule{}, ""},
		{"over the limit", strings.Repeat("é", 201), Rule{}, `f must be at most 200 characters long; it has 201 (it starts "éééééééééééééééééééééééé…")`},
		{"far over the limit", strings.Repeat("x", 10_000), Rule{Max: 10}, `f must be at most 10 characters long (it starts "xxxxxxxxxxxxxxxxxxxxxxxx…")`},
		{"control character", "a\x00b", Rule{}, `f must not contain control characters (found U+0000) (it starts "a")`},
		{"newline in a line", "a\nb", Rule{}, `f must not contain control characters (found U+000A) (it starts "a")`},
		{"newline in a text", "a\nb\tc", Rule{Multiline: true}, ""},
		{"escape in a text", "a\x1b[31m", Rule{Multiline: true}, `f must not contain control characters (found U+001B) (it starts "a")`},
		{"invalid UTF-8", "ab\xffcd", Rule{}, `f is not valid UTF-8 (it starts "ab")`},
		{"a real U+FFFD", "a\uFFFDb", Rule{}, ""},
		{"a secret is never quoted", strings.Repeat("s", 300), Rule{Secret: true}, "f must be at most 200 characters long; it has 300"},
		{"a secret with a control character", "pass\x00word", Rule{Secret: true}, "f must not contain control characters (found U+0000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check("f", tt.s, tt.r)
			got := ""
			if err != nil {
				got = err.Error()
				if apperr.KindOf(err) != apperr.InvalidArgument {
					t.Errorf("kind %s, want InvalidArgument", apperr.KindOf(err))
				}
			}
			if got != tt.want {
				t.Errorf("Check(%s):\n got %q\nwant %q", Quote(tt.s), got, tt.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for s, want := range map[string]string{
		"short":                  `"short"`,
		strings.Repeat("ab", 20): `"abababababababababababab…"`,
		"tab\there":              `"tab\there"`,
		"\xff":                   `"\xff"`,
		strings.Repeat("界", 30):  `"界界界界界界界界界界界界界界界界界界界界界界界界…"`,
	} {
		if got := Quote(s); got != want {
			t.Errorf("Quote(%.30q) = %s, want %s", s, got, want)
		}
	}
}

// message, inner and wrapper stand for generated messages: fields tagged
// with their proto names, a oneof, an optional, repeated and map fields.
type message struct {
	Name    string            `protobuf:"bytes,1,opt,name=name"`
	Note    *string           `protobuf:"bytes,2,opt,name=note"`
	Tags    []string          `protobuf:"bytes,3,rep,name=tags"`
	Inner   *inner            `protobuf:"bytes,4,opt,name=inner"`
	Items   []*inner          `protobuf:"bytes,5,rep,name=items"`
	Labels  map[string]string `protobuf:"bytes,6,rep,name=labels"`
	Method  any               `protobuf_oneof:"method"`
	Raw     []byte            `protobuf:"bytes,7,opt,name=raw"`
	Count   int64             `protobuf:"varint,8,opt,name=count"`
	private string
}

type inner struct {
	Street string `protobuf:"bytes,1,opt,name=street"`
	Text   string `protobuf:"bytes,2,opt,name=text"`
}

type wrapper struct {
	Token string `protobuf:"bytes,9,opt,name=token"`
}

func TestCheckRequest(t *testing.T) {
	rules := Rules{
		"text.inner.text":     {Max: 1000, Multiline: true},
		"text.wrapper.token":  {Max: 8, Secret: true},
		"text.message.labels": {Max: 5},
	}
	note := "a\x07"
	long := strings.Repeat("x", 201)
	tests := []struct {
		name string
		msg  any
		want string
	}{
		{"clean", &message{Name: "n", Tags: []string{"a"}, Inner: &inner{Street: "s", Text: "line\nline"}, Raw: []byte{0, 1}}, ""},
		{"nil", (*message)(nil), ""},
		{"a field", &message{Name: long}, `name must be at most 200 characters long; it has 201 (it starts "xxxxxxxxxxxxxxxxxxxxxxxx…")`},
		{"an optional field", &message{Note: &note}, `note must not contain control characters (found U+0007) (it starts "a")`},
		{"a repeated field", &message{Tags: []string{"ok", "b\xff"}}, `tags[1] is not valid UTF-8 (it starts "b")`},
		{"a nested field", &message{Inner: &inner{Street: "a\nb"}}, `inner.street must not contain control characters (found U+000A) (it starts "a")`},
		{"a multi-line field", &message{Inner: &inner{Text: strings.Repeat("y\n", 400)}}, ""},
		{"a repeated message", &message{Items: []*inner{{}, {Street: long}}}, `items[1].street must be at most 200 characters long; it has 201 (it starts "xxxxxxxxxxxxxxxxxxxxxxxx…")`},
		{"a map value", &message{Labels: map[string]string{"k": "toolong"}}, `labels["k"] must be at most 5 characters long; it has 7 (it starts "toolong")`},
		{"a oneof member, secret", &message{Method: &wrapper{Token: "123456789"}}, "token must be at most 8 characters long; it has 9"},
		{"not a message", "just a string", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rules.CheckRequest(tt.msg)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
