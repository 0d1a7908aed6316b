// Package dbtest gives each store test a database of its own: a SQLite file
// in the test's temporary directory by default, or a freshly created MySQL
// database when TEMPOMALL_TEST_MYSQL_DSN names a server (make
// test-integration sets it), dropped when the test ends.
package dbtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// MySQLEnv names the MySQL server of the integration tests, as a DSN
// without a database: "root:@tcp(127.0.0.1:3306)/".
const MySQLEnv = "TEMPOMALL_TEST_MYSQL_DSN"

// Open returns a fresh, empty database with the given migrations applied.
func Open(t testing.TB, store string, migrations []dbx.Migration) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	opts := dbx.Options{SQLitePath: filepath.Join(t.TempDir(), store+".db")}
	if dsn := os.Getenv(MySQLEnv); dsn != "" {
		opts = dbx.Options{MySQLDSN: FreshMySQL(t, dsn)}
	}
	db, err := dbx.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { dbx.Close(db) })
	if err := dbx.Migrate(ctx, db, store, migrations); err != nil {
		t.Fatalf("migrate %s: %v", store, err)
	}
	return db
}

// UsingMySQL reports whether store tests run on MySQL.
func UsingMySQL() bool { return os.Getenv(MySQLEnv) != "" }

// FreshMySQL creates a database with a random name on the server of
// serverDSN (a DSN without a database) and returns its DSN; the test's end
// drops it. Tests that run tempomall processes on MySQL hand it to them.
func FreshMySQL(t testing.TB, serverDSN string) string {
	t.Helper()
	db, err := dbx.CreateDatabase(context.Background(), serverDSN, "tempomall_test_")
	if err != nil {
		t.Fatalf("%s: %v", MySQLEnv, err)
	}
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db.DSN
}
