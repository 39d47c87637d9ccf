package attr

// Stubs of the contract in api.go; each moves to its own file when written.

func CanonicalNumber(s string) (string, error) { panic("attr: CanonicalNumber not written") }
func AddNumbers(a, b string) (string, error)    { panic("attr: AddNumbers not written") }
func SubNumbers(a, b string) (string, error)    { panic("attr: SubNumbers not written") }
func CompareNumbers(a, b string) int            { panic("attr: CompareNumbers not written") }
func Equal(a, b Value) bool                     { panic("attr: Equal not written") }
func Compare(a, b Value) (int, bool)            { panic("attr: Compare not written") }
func Size(v Value) int                          { panic("attr: Size not written") }
func ItemSize(it Item) int                      { panic("attr: ItemSize not written") }
func (v Value) MarshalJSON() ([]byte, error)    { panic("attr: MarshalJSON not written") }
func (v *Value) UnmarshalJSON(b []byte) error   { panic("attr: UnmarshalJSON not written") }
func Validate(v Value) error                    { panic("attr: Validate not written") }
func ValidateItem(it Item) error                { panic("attr: ValidateItem not written") }
func AppendItem(dst []byte, it Item) []byte     { panic("attr: AppendItem not written") }
func DecodeItem(b []byte) (Item, error)         { panic("attr: DecodeItem not written") }
func (v Value) Clone() Value                    { panic("attr: Clone not written") }
func (it Item) Clone() Item                     { panic("attr: Clone not written") }
