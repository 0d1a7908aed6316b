package dbx

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// UpsertVersioned writes row, whose primary key column is "id" and whose
// version column is "version", unless the table already holds a newer
// version of it. Writers of snapshots (read models fed by workflows) use it
// so that a retried or late write never overwrites a newer state. A write
// of the version the table holds replaces it: a workflow task whose local
// activities wrote and which was then lost with its worker runs again, and
// its second run, the one the workflow's history keeps, may write other
// content under the same versions (a charge that settled in between). It works the same on MySQL and SQLite: conditional update,
// else insert-if-absent, else (a concurrent insert won) conditional update.
// Row is written as given: its timestamps are the snapshot's, not the time
// of the write (no gorm auto-update time), so that columns such as
// updated_at say when the state changed, even for a late or retried write.
func UpsertVersioned(ctx context.Context, db *gorm.DB, row any, id any, version int64) error {
	db = db.WithContext(ctx)
	update := func() (int64, error) {
		res := db.Model(row).Where("id = ? AND version <= ?", id, version).Select("*").UpdateColumns(row)
		return res.RowsAffected, res.Error
	}
	n, err := update()
	if err != nil || n > 0 {
		return err
	}
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	_, err = update()
	return err
}
