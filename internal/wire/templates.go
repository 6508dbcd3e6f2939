package wire

// TemplatesPath lists the account's templates, paged by offset.
const TemplatesPath = "/v1/public/track/organization/templates"

// TemplatesPage is one page of GET TemplatesPath.
type TemplatesPage struct {
	Count   int             `json:"count"`
	HasNext bool            `json:"has_next"`
	Results TemplatesResult `json:"results"`
}

// TemplatesResult wraps the page's templates as Interakt does.
type TemplatesResult struct {
	Templates []TemplateInfo `json:"templates"`
}

// TemplateInfo is one template of the account as Interakt lists it.
type TemplateInfo struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Language       string `json:"language"`
	Category       string `json:"category"`
	Body           string `json:"body"`
	HeaderFormat   string `json:"header_format,omitempty"`
	Header         string `json:"header,omitempty"`
	Footer         string `json:"footer,omitempty"`
	ApprovalStatus string `json:"approval_status"`
}
