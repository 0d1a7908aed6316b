package sandbox

import (
	"context"
	"net/http"

	"github.com/tempomall/tempomall/internal/gateway"
)

// Handler returns the HTTP API (see the package documentation). It needs
// Run (or Serve) for charges and refunds to settle and webhooks to go out.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/payment_methods", s.handleCreatePaymentMethod)
	mux.HandleFunc("GET /v1/payment_methods/{id}", s.handleGetPaymentMethod)
	mux.HandleFunc("POST /v1/charges", s.handleCreateCharge)
	mux.HandleFunc("GET /v1/charges", s.handleSearchCharges)
	mux.HandleFunc("GET /v1/charges/{id}", s.handleGetCharge)
	mux.HandleFunc("POST /v1/charges/{id}/cancel", s.handleCancelCharge)
	mux.HandleFunc("POST /v1/refunds", s.handleCreateRefund)
	mux.HandleFunc("GET /v1/refunds/{id}", s.handleGetRefund)
	mux.HandleFunc("GET /v1/events", s.handleListEvents)
	mux.HandleFunc("POST /v1/events/{id}/resend", s.handleResendEvent)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(r.Context(), w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(r.Context(), w, &apiError{http.StatusNotFound, gateway.CodeNotFound, "no such route: " + r.Method + " " + r.URL.Path})
	})
	return requireAPIKey(s.opts.APIKey, mux)
}

func (s *Server) handleCreatePaymentMethod(w http.ResponseWriter, r *http.Request) {
	var card gateway.Card
	if err := decodeBody(w, r, &card); err != nil {
		writeError(r.Context(), w, err)
		return
	}
	pm, err := s.ledger.createPaymentMethod(r.Context(), card)
	answer(w, r, pm, false, err)
}

func (s *Server) handleGetPaymentMethod(w http.ResponseWriter, r *http.Request) {
	pm, err := s.ledger.getPaymentMethod(r.Context(), r.PathValue("id"))
	answer(w, r, pm, false, err)
}

func (s *Server) handleCreateCharge(w http.ResponseWriter, r *http.Request) {
	handleIdempotentCreate(w, r, s.ledger.createCharge)
}

func (s *Server) handleGetCharge(w http.ResponseWriter, r *http.Request) {
	ch, err := s.ledger.getCharge(r.Context(), r.PathValue("id"))
	answer(w, r, ch, false, err)
}

// handleSearchCharges answers GET /v1/charges?metadata[key]=value: the
// charges whose metadata has that value, oldest first.
func (s *Server) handleSearchCharges(w http.ResponseWriter, r *http.Request) {
	key, value, err := metadataQuery(r.URL.Query())
	if err != nil {
		writeError(r.Context(), w, err)
		return
	}
	charges, err := s.ledger.searchCharges(r.Context(), key, value)
	answer(w, r, gateway.ChargeList{Data: charges}, false, err)
}

func (s *Server) handleCancelCharge(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r, false)
	if err != nil {
		writeError(r.Context(), w, err)
		return
	}
	ch, replayed, err := s.ledger.cancelCharge(r.Context(), r.PathValue("id"), key)
	answer(w, r, ch, replayed, err)
}

func (s *Server) handleCreateRefund(w http.ResponseWriter, r *http.Request) {
	handleIdempotentCreate(w, r, s.ledger.createRefund)
}

func (s *Server) handleGetRefund(w http.ResponseWriter, r *http.Request) {
	rf, err := s.ledger.getRefund(r.Context(), r.PathValue("id"))
	answer(w, r, rf, false, err)
}

func (s *Server) handleListEvents(w http.ResponseWriter, r *http.Request) {
	events, err := s.ledger.listEvents(r.Context(), r.URL.Query().Get("charge"))
	answer(w, r, gateway.EventList{Data: events}, false, err)
}

func (s *Server) handleResendEvent(w http.ResponseWriter, r *http.Request) {
	ev, err := s.ledger.resendEvent(r.Context(), r.PathValue("id"))
	answer(w, r, ev, false, err)
}

// handleIdempotentCreate answers a POST that creates an object and needs
// an Idempotency-Key: it decodes the parameters P and answers what create
// made (or had made, for a repeat).
func handleIdempotentCreate[P, T any](w http.ResponseWriter, r *http.Request,
	create func(ctx context.Context, key string, p P) (T, bool, error)) {
	key, err := idempotencyKey(r, true)
	if err != nil {
		writeError(r.Context(), w, err)
		return
	}
	var p P
	if err := decodeBody(w, r, &p); err != nil {
		writeError(r.Context(), w, err)
		return
	}
	v, replayed, err := create(r.Context(), key, p)
	answer(w, r, v, replayed, err)
}

// answer writes v, or err when there is one; replayed marks the answer to
// a repeated idempotent request.
func answer(w http.ResponseWriter, r *http.Request, v any, replayed bool, err error) {
	if err != nil {
		writeError(r.Context(), w, err)
		return
	}
	if replayed {
		w.Header().Set(gateway.IdempotentReplayedHeader, "true")
	}
	writeJSON(r.Context(), w, http.StatusOK, v)
}
