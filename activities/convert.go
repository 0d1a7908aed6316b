package activities

import "time"

// now is the time activities stamp; activities (unlike workflows) may read
// the clock.
func now() time.Time { return time.Now().UTC() }
