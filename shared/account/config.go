package account

import "time"

// Limit allows Max events per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// Config holds the settings of the account service. Zero fields take the
// defaults of DefaultConfig.
type Config struct {
	// PublicURL is where tenants open the app; emailed links start with it.
	PublicURL     string
	ActivationTTL time.Duration
	ResetTTL      time.Duration
	SessionTTL    time.Duration
	// SessionIdleTimeout ends a cookie session (the web app) after this long
	// without a request (OWASP ASVS 5.0 V7.3.1). The mobile app's bearer
	// sessions have only SessionTTL: see Authenticate.
	SessionIdleTimeout time.Duration
	// PerAddress bounds the attempts (sign-up, login, activation, forgotten
	// password, reset) from one client address. A household or a social
	// centre shares one address, so it stays generous.
	PerAddress Limit
	// AccountFailures bounds wrong passwords on one account: after them,
	// logins wait for the window's end. Never a permanent lock.
	AccountFailures Limit
	// LeaseFailures bounds sign-up mismatches on one lease reference, so a
	// date of birth cannot be guessed from a letter's reference and surname.
	LeaseFailures Limit
	// MailsPerAccount bounds the emails (activation, reset) one account
	// receives, so the portal cannot be used to flood a mailbox.
	MailsPerAccount Limit
}

// DefaultConfig returns the settings used when none are given.
func DefaultConfig() Config {
	return Config{
		ActivationTTL:      48 * time.Hour,
		ResetTTL:           2 * time.Hour,
		SessionTTL:         12 * time.Hour,
		SessionIdleTimeout: 30 * time.Minute,
		PerAddress:         Limit{Max: 60, Window: time.Minute},
		AccountFailures:    Limit{Max: 5, Window: 15 * time.Minute},
		LeaseFailures:      Limit{Max: 5, Window: 15 * time.Minute},
		MailsPerAccount:    Limit{Max: 5, Window: time.Hour},
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	d.PublicURL = c.PublicURL
	if c.ActivationTTL > 0 {
		d.ActivationTTL = c.ActivationTTL
	}
	if c.ResetTTL > 0 {
		d.ResetTTL = c.ResetTTL
	}
	if c.SessionTTL > 0 {
		d.SessionTTL = c.SessionTTL
	}
	if c.SessionIdleTimeout > 0 {
		d.SessionIdleTimeout = c.SessionIdleTimeout
	}
	for _, l := range []struct{ dst, src *Limit }{
		{&d.PerAddress, &c.PerAddress},
		{&d.AccountFailures, &c.AccountFailures},
		{&d.LeaseFailures, &c.LeaseFailures},
		{&d.MailsPerAccount, &c.MailsPerAccount},
	} {
		if l.src.Max > 0 && l.src.Window > 0 {
			*l.dst = *l.src
		}
	}
	return d
}
