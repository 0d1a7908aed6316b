package activities

import (
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/internal/money"
)

func moneyOf(m *common.Money) money.Money {
	return money.New(m.GetAmount(), m.GetCurrency())
}

// now is the time activities stamp; activities (unlike workflows) may read
// the clock.
func now() time.Time { return time.Now().UTC() }
