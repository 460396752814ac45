// The answer of the status counts as the OpenAPI document shows it.

export const STATUS_COUNTS_ANSWER = {
  schema: {
    type: 'object',
    description: 'Combined status → number of orders; statuses without orders are left out',
    additionalProperties: { type: 'integer', minimum: 1 },
  },
  example: { AWAITING: 3, IN_DELIVERY: 12, DELIVERED: 140 },
};
