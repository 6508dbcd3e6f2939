package mock_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

func Example() {
	server := mock.New(mock.Options{RateLimit: 40})
	if err := server.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()

	body := `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template",` +
		`"template":{"name":"welcome_message","languageCode":"en"}}`
	req, err := http.NewRequest(http.MethodPost, server.URL()+"/v1/public/message/", strings.NewReader(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	req.Header.Set("Authorization", "Basic "+mock.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()

	sent := server.Sent()
	fmt.Println(resp.StatusCode, len(sent), sent[0].Message.Template.Name)
	// Output: 201 1 welcome_message
}
