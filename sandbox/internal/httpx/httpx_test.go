package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	w := httptest.NewRecorder()
	WriteJSON(w, http.StatusCreated, map[string]any{"id": "a"})
	if w.Code != http.StatusCreated || w.Header().Get("Content-Type") != ContentType || w.Body.String() != `{"id":"a"}` {
		t.Errorf("got %d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}

	w = httptest.NewRecorder()
	WriteJSONAs(w, http.StatusOK, "application/json;charset=UTF-8", []int{1})
	if w.Header().Get("Content-Type") != "application/json;charset=UTF-8" || w.Body.String() != `[1]` {
		t.Errorf("WriteJSONAs: %q %s", w.Header().Get("Content-Type"), w.Body)
	}

	w = httptest.NewRecorder()
	WriteJSON(w, http.StatusOK, map[string]any{"f": func() {}})
	if w.Code != http.StatusInternalServerError {
		t.Errorf("an unencodable value: %d, want 500", w.Code)
	}
}
