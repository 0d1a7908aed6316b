package e2e_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	pb "github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

// BenchmarkGetProduct compares GetProduct on a warm cache, over real
// Kitex RPC through the whole server suite (guard, status mapping) as an
// anonymous public call, with a bare Kitex ProductService whose GetProduct
// returns a prebuilt product of the same size (no middleware, cache or
// database). Both use the same client options in the same run. The
// service sub-benchmark reports its throughput as a fraction of the bare
// one (x-bare); the target is at least 0.5.
//
//	go test -run '^$' -bench GetProduct -benchtime 3s ./e2e/
func BenchmarkGetProduct(b *testing.B) {
	ctx := context.Background()
	svc, id := startProductService(b)
	warm, err := svc.GetProduct(ctx, &pb.GetProductRequest{Id: id})
	if err != nil {
		b.Fatal(err)
	}
	bare := startBareServer(b, warm.GetProduct())

	var bareOps float64
	run := func(b *testing.B, c productservice.Client) float64 {
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb_ *testing.PB) {
			req := &pb.GetProductRequest{Id: id}
			for pb_.Next() {
				if _, err := c.GetProduct(ctx, req); err != nil {
					b.Error(err)
					return
				}
			}
		})
		ops := float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(ops, "ops/s")
		return ops
	}
	b.Run("bare", func(b *testing.B) { bareOps = run(b, bare) })
	b.Run("service", func(b *testing.B) {
		ops := run(b, svc)
		if bareOps > 0 {
			b.ReportMetric(ops/bareOps, "x-bare")
		}
	})
}

// startProductService starts auth, user and product on random ports with
// an admin, creates one product and returns an anonymous client and the
// product's id.
func startProductService(b *testing.B) (productservice.Client, int64) {
	b.Helper()
	ctx := context.Background()
	// Without the servers' rate limits: the benchmark measures what a
	// server can do, past the default public-method limit (5000/s).
	st := startStackWith(b, func(c *config.Config, _ *app.Options) {
		c.Ops.MaxQPS, c.Ops.PublicQPS = 0, 0
	}, config.Auth, config.User, config.Product)
	cfg, clients := st.cfg, st.clients
	if _, err := app.EnsureAdmin(ctx, st.run.Clients, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		b.Fatal(err)
	}
	login, err := clients.User.Login(ctx, &user.LoginRequest{Login: cfg.AdminEmail, Password: cfg.AdminPassword})
	if err != nil {
		b.Fatal(err)
	}
	created, err := clients.Product.CreateProduct(rpc.WithToken(ctx, login.GetTokens().GetAccessToken()), &pb.CreateProductRequest{
		Name:         "Blue stoneware mug",
		Description:  "A sturdy 350 ml mug, glazed blue, dishwasher safe. 蓝色陶瓷杯子。",
		PictureUrl:   "https://img.example.com/products/blue-mug.png",
		Price:        &common.Money{Amount: 1250, Currency: cfg.CatalogCurrency},
		InitialStock: 100,
	})
	if err != nil {
		b.Fatal(err)
	}
	return clients.Product, created.GetProduct().GetId()
}

// bareProducts answers GetProduct with a prebuilt product; the other
// methods are not called.
type bareProducts struct {
	pb.ProductService
	resp *pb.GetProductResponse
}

func (h *bareProducts) GetProduct(context.Context, *pb.GetProductRequest) (*pb.GetProductResponse, error) {
	return h.resp, nil
}

// startBareServer starts a Kitex ProductService without tempomall's
// server suite and returns a client with tempomall's client options.
func startBareServer(b *testing.B, p *pb.Product) productservice.Client {
	b.Helper()
	ln := listen(b)
	svr := productservice.NewServer(&bareProducts{resp: &pb.GetProductResponse{Product: p}},
		server.WithListener(ln),
		server.WithExitSignal(func() <-chan error { return make(chan error) }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = rpc.Serve(ctx, svr)
	}()
	b.Cleanup(func() { cancel(); <-done })
	c, err := productservice.NewClient("bare", rpc.ClientOptions(rpc.ClientConfig{
		Service: config.Product, HostPorts: []string{ln.Addr().String()},
	})...)
	if err != nil {
		b.Fatal(err)
	}
	// Wait until it answers.
	for i := 0; ; i++ {
		if _, err := c.GetProduct(context.Background(), &pb.GetProductRequest{Id: p.GetId()}); err == nil {
			return c
		} else if i == 50 {
			b.Fatalf("bare server does not answer: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func listen(b *testing.B) net.Listener {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}
