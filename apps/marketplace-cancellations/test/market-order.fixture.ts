// Market's order 9105 (campaign 21) as Market's GET order would return it (its OrderDTO), personal data included:
// what the connector hands to the read model through marketOrderDetails(). Market's formats: "dd-MM-yyyy HH:mm:ss"
// and "dd-MM-yyyy" in Moscow time.
export const FETCHED_ORDER = {
  id: 9105,
  status: 'DELIVERY',
  substatus: 'DELIVERY_SERVICE_RECEIVED',
  creationDate: '01-03-2026 11:30:00',
  updatedAt: '01-03-2026 12:00:00',
  currency: 'RUR',
  itemsTotal: 2490.5,
  deliveryTotal: 199,
  buyerItemsTotalBeforeDiscount: 2790,
  paymentType: 'PREPAID',
  paymentMethod: 'YANDEX',
  fake: false,
  taxSystem: 'USN_MINUS_COST',
  notes: 'Позвонить за час, код домофона 12К',
  items: [
    {
      id: 1,
      offerId: 'sku-1',
      offerName: 'Чай улун, 250 г',
      price: 1245.25,
      buyerPrice: 1245.25,
      buyerPriceBeforeDiscount: 1395,
      count: 2,
      vat: 'VAT_20',
      requiredInstanceTypes: ['CIS'],
    },
  ],
  delivery: {
    type: 'DELIVERY',
    serviceName: 'Собственная служба доставки',
    deliveryPartnerType: 'SHOP',
    deliveryServiceId: 99,
    dispatchType: 'BUYER',
    estimated: false,
    dates: { fromDate: '02-03-2026', toDate: '02-03-2026', fromTime: '10:00', toTime: '14:00' },
    region: { id: 213, name: 'Москва', type: 'CITY' },
    address: {
      country: 'Россия',
      postcode: '119021',
      city: 'Москва',
      street: 'Льва Толстого',
      house: '16',
      apartment: '12',
      recipient: 'Иван Петров',
      phone: '+79990000000',
      gps: { latitude: 55.7339, longitude: 37.5877 },
    },
    courier: { fullName: 'Сергей Курьеров', phone: '+79991112233' },
    shipments: [{ shipmentDate: '01-03-2026', shipmentTime: '18:00' }],
  },
  buyer: { id: 'buyer-77', lastName: 'Петров', firstName: 'Иван', type: 'PERSON' },
};

/** Values in FETCHED_ORDER that name or place a person: none may reach the events or the answers. */
export const PERSONAL_VALUES = [
  'Петров',
  'Льва Толстого',
  '+79990000000',
  'домофона',
  'Курьеров',
  '+79991112233',
  'buyer-77',
  '55.7339',
];
