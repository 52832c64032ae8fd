package account

import "time"

// Limit allows Max events in any span of Window (a sliding window: see
// Counter).
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
	// EmailChangeTTL is how long a link confirming a new notification
	// address stays valid.
	EmailChangeTTL time.Duration
	// RecoveryTTL is how long the link mailed to the old address when the
	// login email changes stays valid (Profiles.ResetPassword): long enough
	// for a tenant who reads their mail once a week.
	RecoveryTTL time.Duration
	// SessionIdleTimeout ends a cookie session (the web app) after this long
	// without a request (OWASP ASVS 5.0 V7.3.1). The mobile app's bearer
	// sessions have only SessionTTL: see Authenticate.
	SessionIdleTimeout time.Duration
	// PerAddress bounds the attempts (sign-up, login, activation, forgotten
	// password, reset) from one client address. A household or a social
	// centre shares one address, so it stays generous.
	PerAddress Limit
	// AccountFailures bounds wrong passwords on one email: after Max of them
	// in a Window, logins wait until the oldest is one Window old. Never a
	// longer lock, so that nobody can lock a tenant out of their account.
	AccountFailures Limit
	// LeaseFailures bounds sign-up mismatches on one lease reference, so a
	// date of birth cannot be guessed from a letter's reference and surname.
	LeaseFailures Limit
	// LeaseLockouts are the lock-outs of a lease that keeps reaching
	// LeaseFailures: the first time, the first duration, the second time
	// the second, and so on, the last one repeating. A strike counts as
	// "again" while the previous lock-out ended less than StrikeMemory ago.
	LeaseLockouts []time.Duration
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
		EmailChangeTTL:     48 * time.Hour,
		RecoveryTTL:        7 * 24 * time.Hour,
		PerAddress:         Limit{Max: 60, Window: time.Minute},
		AccountFailures:    Limit{Max: 5, Window: 15 * time.Minute},
		LeaseFailures:      Limit{Max: 5, Window: 15 * time.Minute},
		MailsPerAccount:    Limit{Max: 5, Window: time.Hour},
		LeaseLockouts:      []time.Duration{15 * time.Minute, time.Hour, 24 * time.Hour},
	}
}

// StrikeMemory is how long a lock-out's end is remembered: reaching the
// limit again within it escalates to the next lock-out.
const StrikeMemory = 24 * time.Hour

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
	if c.EmailChangeTTL > 0 {
		d.EmailChangeTTL = c.EmailChangeTTL
	}
	if c.RecoveryTTL > 0 {
		d.RecoveryTTL = c.RecoveryTTL
	}
	if len(c.LeaseLockouts) > 0 {
		d.LeaseLockouts = c.LeaseLockouts
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
