package main

import (
	"context"
	"fmt"

	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// runCards lists the payment sandbox's test cards, or tokenizes a card.
func runCards(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "cards", args, []subcommand{
		{"list", runCardsList},
		{"tokenize", runCardsTokenize},
	}, "list")
}

func runCardsList(_ context.Context, c *cli, args []string) error {
	fs := c.flagSet("cards [list] [-json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	cards := testcards.List()
	if *asJSON {
		return printJSON(c.out, cards)
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "NUMBER\tBRAND\tWHAT HAPPENS")
	for _, tc := range cards {
		fmt.Fprintf(t, "%s\t%s\t%s\n", tc.Number, tc.Brand, tc.Description)
	}
	_ = t.Flush()
	fmt.Fprintln(c.out, "\nany future expiry and any 3- or 4-digit CVV go with them; other valid numbers succeed")
	return nil
}

func runCardsTokenize(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cards tokenize NUMBER [-exp MM/YY] [-cvv C] [-holder NAME]")
	var card cardFlags
	card.registerDetails(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	card.number = pos[0]
	s, err := c.session(asUser)
	if err != nil {
		return err
	}
	in, err := card.card(c.now(), s.Name())
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Payment.CreatePaymentMethod(actx, &payment.CreatePaymentMethodRequest{Card: in})
	if err != nil {
		return err
	}
	m := resp.GetMethod()
	fmt.Fprintf(c.out, "%s  (%s, expires %02d/%d)\nuse it with: mallctl checkout -token %s   or   mallctl pay ORDER -token %s\n",
		m.GetToken(), fmtCard(m), m.GetExpMonth(), m.GetExpYear(), m.GetToken(), m.GetToken())
	return nil
}
