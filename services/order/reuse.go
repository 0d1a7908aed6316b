package order

import enumspb "go.temporal.io/api/enums/v1"

// enumReuseFailedOnly lets an order id be placed again only when its
// placement failed (say, for lack of stock): a placed order is never
// replaced.
const enumReuseFailedOnly = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
