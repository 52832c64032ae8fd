package httpapi

import "net/http"

// Route is one endpoint of the API and the function that serves it. The
// template declares the same routes as HttpApi events; a test keeps both
// lists equal, and the local stack routes by the template.
type Route struct {
	Function string
	Method   string
	Path     string
	Handler  http.Handler
}

// Routes lists the whole API.
func (s *Server) Routes() []Route {
	return []Route{
		{"signup", "POST", "/api/v1/signup", s.handleSignUp()},

		{"activation", "POST", "/api/v1/activation", s.handleActivate()},
		{"activation", "POST", "/api/v1/activation/resend", s.handleResendActivation()},

		{"session", "POST", "/api/v1/sessions", s.handleLogin()},
		{"session", "DELETE", "/api/v1/sessions/current", s.authenticated(s.handleLogout())},
		{"session", "DELETE", "/api/v1/sessions", s.authenticated(s.handleLogoutEverywhere())},
		{"session", "POST", "/api/v1/password/change", s.authenticated(s.handleChangePassword())},
		{"session", "POST", "/api/v1/password/forgot", s.handleForgot()},
		{"session", "POST", "/api/v1/password/reset", s.handleReset()},

		{"account", "GET", "/api/v1/me", s.authenticated(s.handleMe())},
		{"account", "GET", "/api/v1/account", s.authenticated(s.handleSummary())},
		{"account", "GET", "/api/v1/account/entries", s.authenticated(s.handleEntries())},
		{"account", "GET", "/api/v1/contract", s.authenticated(s.handleContract())},
		{"account", "GET", "/api/v1/contacts", s.authenticated(s.handleContacts())},
		{"account", "GET", "/api/v1/preferences", s.authenticated(s.handlePreferences())},
		{"account", "PUT", "/api/v1/preferences", s.authenticated(s.handleSetPreferences())},
		// No session: the emailed link may be opened on another device; its
		// token names the lease and proves the request.
		{"account", "POST", "/api/v1/preferences/notification-email/confirmation", s.handleConfirmNotificationEmail()},
		// "Mon profil" (profile_handlers.go). The login email's link, like
		// the notification email's, needs no session.
		{"account", "POST", "/api/v1/me/login-email", s.authenticated(s.handleRequestLoginEmail())},
		{"account", "POST", "/api/v1/me/login-email/confirmation", s.handleConfirmLoginEmail()},
		{"account", "GET", "/api/v1/me/export", s.authenticatedSpending(s.handleExport())},
		{"account", "POST", "/api/v1/me/deletion", s.authenticated(s.handleDeleteAccount())},
		{"account", "GET", "/api/v1/change-requests", s.authenticated(s.handleChangeRequests())},
		{"account", "POST", "/api/v1/change-requests", s.authenticated(s.handleSubmitChangeRequest())},
		{"account", "GET", "/api/v1/change-requests/{id}", s.authenticated(s.handleChangeRequest())},

		{"documents", "GET", "/api/v1/documents", s.authenticated(s.handleDocuments())},
		{"documents", "GET", "/api/v1/documents/{id}", s.authenticated(s.handleDocument())},
		{"documents", "GET", "/api/v1/documents/{id}/file", s.authenticated(s.handleDocumentFile())},

		// Rent receipts on request (law 89-462 art. 21): shared/receipt.
		{"receipts", "GET", "/api/v1/receipts", s.authenticated(s.handleReceipts())},
		{"receipts", "POST", "/api/v1/receipts", s.authenticated(s.handleIssueReceipt())},
		// The statement as PDF and the tenancy certificate, made on request.
		{"receipts", "GET", "/api/v1/account/entries.pdf", s.authenticatedSpending(s.handleStatementPDF())},
		{"receipts", "POST", "/api/v1/certificates", s.authenticated(s.handleCreateCertificate())},
		{"insurance", "POST", "/api/v1/insurance/uploads", s.authenticated(s.handleNewInsuranceUpload())},
		{"insurance", "POST", "/api/v1/insurance/certificates", s.authenticated(s.handleSubmitInsuranceCertificate())},
		{"insurance", "GET", "/api/v1/insurance", s.authenticated(s.handleInsurance())},

		// Online payments (shared/payment). The webhook has no session: the
		// provider's signature over the raw body proves it.
		{"payments", "POST", "/api/v1/payments", s.authenticated(s.handleStartPayment())},
		{"payments", "GET", "/api/v1/payments", s.authenticated(s.handlePayments())},
		{"paymentwebhook", "POST", "/api/v1/payments/webhook", s.handlePaymentWebhook()},

		// The tenant's bank details (shared/bankdetails): read masked, changed
		// with the account's password.
		{"banking", "GET", "/api/v1/bank-details", s.authenticated(s.handleBankDetails())},
		{"banking", "PUT", "/api/v1/bank-details", s.authenticated(s.handleSetBankDetails())},
		// The SEPA direct-debit mandate (shared/directdebit), in the banking
		// function with the bank details.
		{"banking", "POST", "/api/v1/direct-debit", s.authenticated(s.handleSubscribeDirectDebit())},
		{"banking", "GET", "/api/v1/direct-debit", s.authenticated(s.handleDirectDebit())},
		{"banking", "DELETE", "/api/v1/direct-debit", s.authenticated(s.handleRevokeDirectDebit())},

		// Public: the emergency number of a residence, without an account.
		{"account", "GET", "/api/v1/emergency-contacts", s.handleEmergencyContacts()},
		// Public: the landlord's legal details (mentions légales, privacy).
		{"account", "GET", "/api/v1/legal", s.handleLegal()},
	}
}
