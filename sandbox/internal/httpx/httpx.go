// Package httpx holds the small HTTP answers every sandbox server writes.
package httpx

import (
	"encoding/json"
	"net/http"
)

// ContentType is the media type WriteJSON answers with.
const ContentType = "application/json; charset=utf-8"

// WriteJSON writes v as JSON with status and ContentType. A value that
// cannot be encoded becomes a 500 with the encoder's message; nothing of
// v is written then.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	WriteJSONAs(w, status, ContentType, v)
}

// WriteJSONAs is WriteJSON with the media type contentType, for a server
// whose real counterpart spells it differently.
func WriteJSONAs(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
