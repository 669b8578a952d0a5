package pyjson

import "testing"

func TestReplaceNonFinite(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[NaN, 1, -Infinity, Infinity]`, `[null, 1, null, null]`},
		{`{"notes": "NaN and Infinity stay", "x": NaN}`, `{"notes": "NaN and Infinity stay", "x": null}`},
		{`{"s": "a \" NaN"}`, `{"s": "a \" NaN"}`},
		{`[1, 2]`, `[1, 2]`},
	}
	for _, tt := range tests {
		got, _ := ReplaceNonFinite([]byte(tt.in), func(string) string { return "null" })
		if string(got) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
}
