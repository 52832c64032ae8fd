module github.com/citejardins/extranet

go 1.26.8
